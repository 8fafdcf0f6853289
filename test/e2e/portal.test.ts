import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import type { Role } from '../../shared/http/route.ts';
import { eventually } from '../support/eventually.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

// Time moves only when a test says so: the link expiry is 15 minutes on this clock.
const clock = new ManualClock(new Date());
const rt = useTestRuntime({ clock });
const staff =
  (tenant: string, role: Role) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], `${role}-user`))(...args);
const anonymous = () => apiClient(rt.url);
const customerApi = (token: string) => apiClient(rt.url, token);

interface OutboxEmail {
  channel: 'email';
  email: { to: string; subject?: string; text?: string };
}
/** The emails /dev/outbox holds for an address, newest first. */
const emailsTo = async (address: string) => {
  const res = await fetch(`${rt.url}/dev/outbox`);
  const { items } = (await res.json()) as { items: OutboxEmail[] };
  return items.filter((m) => m.channel === 'email' && m.email.to === address);
};
/** The sign-in link token of the newest email to `address`, once it is there. */
const linkTokenFor = (address: string) =>
  eventually(async () => {
    const [newest] = await emailsTo(address);
    const token = /\/portal\/[a-z0-9-]+\/auth\?token=([\w.-]+)/.exec(newest?.email.text ?? '')?.[1];
    expect(token).toBeTruthy();
    return token!;
  });

/** A tenant with a contact of that email, signed in through the emailed link: the customer session token. */
const customerOf = async (tenant: string, email: string) => {
  const contact = await staff(tenant, 'support')('POST', '/contacts', { firstName: 'Ada', email });
  expect(contact.status).toBe(201);
  const before = (await emailsTo(email)).length;
  expect((await anonymous()('POST', `/portal/${tenant}/sign-in`, { email })).status).toBe(202);
  await eventually(async () => expect((await emailsTo(email)).length).toBe(before + 1));
  const session = await anonymous()('POST', `/portal/${tenant}/session`, { token: await linkTokenFor(email) });
  expect(session.status).toBe(200);
  return { token: session.body.token as string, contactId: contact.body.id as string };
};

describe('portal sign-in', () => {
  it('emails a one-use link to a customer and answers an unknown address exactly alike', async () => {
    const tenant = uniqueTenant('portal-sign-in');
    const email = `${tenant}@example.com`;
    const contact = await staff(tenant, 'support')('POST', '/contacts', { firstName: 'Ada', email });
    const known = await anonymous()('POST', `/portal/${tenant}/sign-in`, { email });
    const unknown = await anonymous()('POST', `/portal/${tenant}/sign-in`, { email: `nobody-${email}` });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);
    const token = await linkTokenFor(email);
    expect(await emailsTo(`nobody-${email}`)).toEqual([]);
    const [mail] = await emailsTo(email);
    expect(mail!.email.subject).toBe('Your sign-in link');

    // the link opens a page with a button: fetching it (a mail scanner) does not use it up
    const page = await fetch(`${rt.url}/portal/${tenant}/auth?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('Sign in');

    const session = await anonymous()('POST', `/portal/${tenant}/session`, { token });
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ tokenType: 'Bearer', tenantId: tenant, contactId: contact.body.id });
    const again = await anonymous()('POST', `/portal/${tenant}/session`, { token });
    expect(again.status).toBe(422);
    expect(again.body.detail).toContain('already used');
    expect((await customerApi(session.body.token)('GET', '/portal/surveys')).body).toEqual({ items: [] });
  });

  it('refuses a link after 15 minutes', async () => {
    const tenant = uniqueTenant('portal-expiry');
    const email = `${tenant}@example.com`;
    await staff(tenant, 'support')('POST', '/contacts', { firstName: 'Ada', email });
    await anonymous()('POST', `/portal/${tenant}/sign-in`, { email });
    const token = await linkTokenFor(email);
    await clock.advance(15 * 60_000 + 1000);
    const late = await anonymous()('POST', `/portal/${tenant}/session`, { token });
    expect(late.status).toBe(422);
    expect(late.body.detail).toContain('expired');
    expect((await fetch(`${rt.url}/portal/${tenant}/auth?token=${token}`)).status).toBe(410);
    // the same link in another tenant's portal is not a link at all
    expect((await anonymous()('POST', `/portal/${uniqueTenant('portal-other')}/session`, { token })).status).toBe(422);
  });

  it('limits sign-in requests per address (429 with Retry-After), known or not', async () => {
    const tenant = uniqueTenant('portal-limit');
    const email = `${tenant}@example.com`;
    for (let i = 0; i < 5; i++) expect((await anonymous()('POST', `/portal/${tenant}/sign-in`, { email })).status).toBe(202);
    const limited = await anonymous()('POST', `/portal/${tenant}/sign-in`, { email });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await anonymous()('POST', `/portal/${tenant}/sign-in`, { email: 'not-an-address' })).status).toBe(400);
  });
});

describe('portal identities', () => {
  it('refuses staff tokens on portal routes and customer tokens on staff routes and on another tenant', async () => {
    const tenant = uniqueTenant('portal-audience');
    const { token, contactId } = await customerOf(tenant, `${tenant}@example.com`);
    const support = staff(tenant, 'support');
    expect((await support('GET', '/portal/surveys')).status).toBe(401);
    expect((await support('GET', '/portal/tickets')).status).toBe(401);
    expect((await customerApi(token)('GET', `/contacts/${contactId}`)).status).toBe(401);
    expect((await customerApi(token)('GET', '/contacts')).status).toBe(401);
    expect((await customerApi(token)('GET', '/portal/surveys')).status).toBe(200);
    const elsewhere = await fetch(`${rt.url}/portal/${uniqueTenant('portal-elsewhere')}/new`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(elsewhere.status).toBe(403);
    // a page without a session is sent to sign in
    const anonymousPage = await fetch(`${rt.url}/portal/${tenant}`, { redirect: 'manual' });
    expect([anonymousPage.status, anonymousPage.headers.get('location')]).toEqual([303, `/portal/${tenant}/sign-in`]);
  });

  it('ends every session of the customer at sign-out', async () => {
    const tenant = uniqueTenant('portal-sign-out');
    const email = `${tenant}@example.com`;
    const { token } = await customerOf(tenant, email);
    expect((await customerApi(token)('DELETE', '/portal/session')).status).toBe(204);
    expect((await customerApi(token)('GET', '/portal/surveys')).status).toBe(401);
  });
});

describe('portal tickets', () => {
  it("lets a customer open, read and answer their tickets, and answers 404 for another customer's", async () => {
    const tenant = uniqueTenant('portal-tickets');
    const a = await customerOf(tenant, `a-${tenant}@example.com`);
    const b = await customerOf(tenant, `b-${tenant}@example.com`);
    const asA = customerApi(a.token);
    const asB = customerApi(b.token);

    const opened = await asA('POST', '/portal/tickets', { subject: 'The invoice is wrong', body: 'It lists two seats; we have one.' });
    expect(opened.status).toBe(201);
    expect(opened.headers.get('location')).toBe(`/portal/tickets/${opened.body.id}`);
    expect(opened.body).toMatchObject({ subject: 'The invoice is wrong', channel: 'portal' });
    expect(opened.body).not.toHaveProperty('assigneeId');
    const ticketId = opened.body.id as string;
    // a retry with the same Idempotency-Key answers the first ticket; another customer's use of that key is refused
    const key = { 'idempotency-key': `open-${tenant}` };
    const first = await asA('POST', '/portal/tickets', { subject: 'Second question', body: 'Is there a discount?' }, key);
    const retried = await asA('POST', '/portal/tickets', { subject: 'Second question', body: 'Is there a discount?' }, key);
    expect(retried.body.id).toBe(first.body.id);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect((await asB('POST', '/portal/tickets', { subject: 'Second question', body: 'Is there a discount?' }, key)).status).toBe(422);

    expect((await asA('GET', '/portal/tickets')).body.items.map((t: { id: string }) => t.id)).toEqual([first.body.id, ticketId]);
    expect((await asB('GET', '/portal/tickets')).body.items).toEqual([]);
    expect((await asB('GET', `/portal/tickets/${ticketId}`)).status).toBe(404);
    expect((await asB('GET', `/portal/tickets/${ticketId}/messages`)).status).toBe(404);
    expect((await asB('POST', `/portal/tickets/${ticketId}/replies`, { body: 'Not mine' })).status).toBe(404);

    // staff see the ticket on the contact; an internal note never reaches the customer, a public reply does
    const support = staff(tenant, 'support');
    expect((await support('GET', `/tickets/${ticketId}`)).body).toMatchObject({ contactId: a.contactId, channel: 'portal' });
    expect((await support('POST', `/tickets/${ticketId}/notes`, { body: 'Check the seat count first' })).status).toBe(201);
    expect((await support('POST', `/tickets/${ticketId}/replies`, { body: 'Sorry, fixed: one seat.' })).status).toBe(201);

    const replied = await asA('POST', `/portal/tickets/${ticketId}/replies`, { body: 'Thanks!' });
    expect(replied.status).toBe(201);
    const conversation = await asA('GET', `/portal/tickets/${ticketId}/messages`);
    expect(conversation.body.items.map((m: { author: string; body: string }) => [m.author, m.body])).toEqual([
      ['customer', 'It lists two seats; we have one.'],
      ['agent', 'Sorry, fixed: one seat.'],
      ['customer', 'Thanks!'],
    ]);
  });
});
