import type { APIGatewayProxyStructuredResultV2 as Result } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signInLinkMinutes, signInUrl } from '../../functions/portal/link.ts';
import { portalRoutes } from '../../functions/portal/routes.ts';
import { portalService, sessionDays, signInLimits } from '../../functions/portal/service.ts';
import { httpApiEvent } from '../../infra/local/http-event.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { routeMatcher } from '../../infra/local/route-match.ts';
import { type CustomerCaller, signCustomerSession, verifyCustomerSession } from '../../shared/http/customer.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { Reply } from '../../shared/http/reply.ts';
import { systemClock, useClock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { fakePortalPorts, fakePortalRepository } from '../support/fakes/portal.ts';

const tenant = 'acme';
const client = { ip: '203.0.113.7', formPost: false };

const setup = () => {
  const store = fakePortalRepository();
  const fakes = fakePortalPorts();
  const service = portalService(store.repo, fakes.ports);
  return { ...store, ...fakes, service };
};
type Setup = ReturnType<typeof setup>;

/** The sign-in token the last email carried. */
const lastLinkToken = (s: Setup) => {
  const url = String(s.sent.at(-1)?.variables?.signInUrl ?? '');
  return new URL(url).searchParams.get('token')!;
};

const requestLink = (s: Setup, email: string, ip = client.ip, t = tenant) =>
  s.service.requestSignIn(
    { params: { tenant: t }, query: undefined, body: { email }, client: { ip, formPost: false } },
    undefined as never,
  );

/** A signed-in customer of `t` with the given email, through the link flow. */
const signIn = async (s: Setup, email: string, t = tenant) => {
  await requestLink(s, email, client.ip, t);
  const session = await s.service.createPortalSession(
    { params: { tenant: t }, query: undefined, body: { token: lastLinkToken(s) } },
    undefined as never,
  );
  const customer = await verifyCustomerSession((session as { token: string }).token, new Date());
  return { session: session as { token: string; contactId: string; expiresAt: string }, customer: customer! };
};

let clock: ManualClock;
beforeEach(() => {
  clock = new ManualClock(new Date());
  useClock(clock);
});
afterEach(() => useClock(systemClock));

describe('sign-in links', () => {
  it('emails a transactional link to a known address, nothing to an unknown one, and answers both alike', async () => {
    const s = setup();
    const contactId = s.addContact(tenant, 'ada@example.com');
    const known = (await requestLink(s, 'ada@example.com')) as Reply;
    const unknown = (await requestLink(s, 'nobody@example.com')) as Reply;
    expect(known).toBeInstanceOf(Reply);
    expect([known.status, known.body]).toEqual([unknown.status, unknown.body]);
    expect(known.status).toBe(202);
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]).toMatchObject({ tenantId: tenant, contactId, channel: 'email', purpose: 'transactional' });
    expect(String(s.sent[0]!.variables?.signInUrl)).toMatch(new RegExp(`/portal/${tenant}/auth\\?token=[\\w-]+\\.[\\w-]+$`));
  });

  it('answers 202 even when messaging fails, so a failure does not tell a customer apart', async () => {
    const s = setup();
    s.addContact(tenant, 'ada@example.com');
    s.ports.send = async () => {
      throw new Error('provider down');
    };
    const service = portalService(s.repo, s.ports);
    const reply = (await service.requestSignIn(
      { params: { tenant }, query: undefined, body: { email: 'ada@example.com' }, client },
      undefined as never,
    )) as Reply;
    expect(reply.status).toBe(202);
  });

  it('gives a session once: the same link again is refused, and nothing else changes', async () => {
    const s = setup();
    const contactId = s.addContact(tenant, 'ada@example.com');
    await requestLink(s, 'ada@example.com');
    const token = lastLinkToken(s);
    const first = (await s.service.createPortalSession({ params: { tenant }, query: undefined, body: { token } }, undefined as never)) as {
      token: string;
      contactId: string;
      tenantId: string;
    };
    expect(first).toMatchObject({ contactId, tenantId: tenant });
    await expect(
      s.service.createPortalSession({ params: { tenant }, query: undefined, body: { token } }, undefined as never),
    ).rejects.toMatchObject({ kind: 'unprocessable', extra: { link: 'used' } });
    // the HTML flow refuses it as well
    const page = (await s.service.followSignInLink({ params: { tenant }, query: undefined, body: { token } }, undefined as never)) as Reply;
    expect(page.status).toBe(410);
    expect(String(page.body)).toContain('already used');
    expect(s.events.filter((e) => e.type === 'portal.signed_in')).toHaveLength(1);
  });

  it(`stops working after ${signInLinkMinutes} minutes, and the page tells an expired link from a broken one`, async () => {
    const s = setup();
    s.addContact(tenant, 'ada@example.com');
    await requestLink(s, 'ada@example.com');
    const token = lastLinkToken(s);
    const page = (t?: string) => s.service.signInLinkPage({ params: { tenant }, query: { token: t }, body: undefined }, undefined as never);
    expect(((await page(token)) as Reply).status).toBe(200);
    await clock.advance(signInLinkMinutes * 60_000 + 1000);
    expect(((await page(token)) as Reply).status).toBe(410);
    expect(((await page(`${token}x`)) as Reply).status).toBe(400);
    expect(((await page(undefined)) as Reply).status).toBe(400);
    await expect(
      s.service.createPortalSession({ params: { tenant }, query: undefined, body: { token } }, undefined as never),
    ).rejects.toMatchObject({ extra: { link: 'expired' } });
    expect(s.customers.size).toBe(0);
  });

  it("refuses a link of another tenant's portal, and a tampered one", async () => {
    const s = setup();
    const contactId = s.addContact(tenant, 'ada@example.com');
    const url = await signInUrl(tenant, contactId, newId(), new Date(Date.now() + 60_000));
    const token = new URL(url).searchParams.get('token')!;
    await expect(
      s.service.createPortalSession({ params: { tenant: 'other' }, query: undefined, body: { token } }, undefined as never),
    ).rejects.toMatchObject({ extra: { link: 'invalid' } });
    const [payload, mac] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ t: tenant, c: newId(), j: newId(), exp: 9e9 })).toString('base64url')}.${mac}`;
    await expect(
      s.service.createPortalSession({ params: { tenant }, query: undefined, body: { token: forged } }, undefined as never),
    ).rejects.toMatchObject({ extra: { link: 'invalid' } });
    expect(payload).toBeTruthy();
  });

  it('is rate limited per address and per IP, counting unknown addresses too (429 with Retry-After)', async () => {
    const s = setup();
    for (let i = 0; i < signInLimits.perAddress; i++) expect(((await requestLink(s, 'someone@example.com')) as Reply).status).toBe(202);
    const limited = (await requestLink(s, 'someone@example.com')) as Reply;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // other addresses from other networks still go through
    expect(((await requestLink(s, 'else@example.com', '198.51.100.1')) as Reply).status).toBe(202);
    for (let i = 0; i < signInLimits.perIp; i++) await requestLink(s, `p${i}@example.com`, '198.51.100.9');
    expect(((await requestLink(s, 'last@example.com', '198.51.100.9')) as Reply).status).toBe(429);
    // the next window opens again
    await clock.advance(signInLimits.windowMinutes * 60_000);
    expect(((await requestLink(s, 'someone@example.com')) as Reply).status).toBe(202);
  });
});

describe('customer sessions', () => {
  const customer: CustomerCaller = { tenantId: tenant, contactId: newId(), sessionId: newId(), sessionVersion: 1 };

  it('verify while unexpired, and not once tampered, expired or signed for something else', async () => {
    const token = await signCustomerSession(customer, new Date(Date.now() + 60_000));
    expect(await verifyCustomerSession(token, new Date())).toEqual(customer);
    expect(await verifyCustomerSession(token, new Date(Date.now() + 61_000))).toBeUndefined();
    expect(await verifyCustomerSession(`${token.slice(0, -2)}AA`, new Date())).toBeUndefined();
    const link = new URL(await signInUrl(tenant, customer.contactId, newId(), new Date(Date.now() + 60_000))).searchParams.get('token')!;
    expect(await verifyCustomerSession(link, new Date())).toBeUndefined();
  });

  it(`last ${sessionDays} days and end for every device at sign-out`, async () => {
    const s = setup();
    s.addContact(tenant, 'ada@example.com');
    const phone = await signIn(s, 'ada@example.com');
    const laptop = await signIn(s, 'ada@example.com');
    expect(Date.parse(phone.session.expiresAt) - Date.now()).toBeGreaterThan((sessionDays - 0.01) * 86_400_000);
    expect(await s.service.sessionHolds(phone.customer)).toBe(true);
    expect(await s.service.sessionHolds(laptop.customer)).toBe(true);
    await s.service.endPortalSession(
      { params: undefined, query: undefined, body: undefined, customer: phone.customer },
      undefined as never,
    );
    expect(await s.service.sessionHolds(phone.customer)).toBe(false);
    expect(await s.service.sessionHolds(laptop.customer)).toBe(false);
    // signing in again gives a session that holds
    const again = await signIn(s, 'ada@example.com');
    expect(again.customer.sessionVersion).toBe(2);
    expect(await s.service.sessionHolds(again.customer)).toBe(true);
  });
});

describe('a customer sees only their own tickets', () => {
  const req = <T extends object>(parts: T) => ({ params: undefined, query: undefined, body: undefined, ...parts }) as never;

  it("gets 404 for another customer's ticket, its messages and a reply to it", async () => {
    const s = setup();
    s.addContact(tenant, 'a@example.com');
    s.addContact(tenant, 'b@example.com');
    const a = (await signIn(s, 'a@example.com')).customer;
    const b = (await signIn(s, 'b@example.com')).customer;
    const ticket = (await s.service.openPortalTicket(
      req({ body: { subject: 'Broken', body: 'It broke' }, customer: a }),
      undefined as never,
    )) as {
      id: string;
    };
    expect(s.tickets.tickets.get(`${tenant}|${ticket.id}`)).toMatchObject({ channel: 'portal', contactId: a.contactId });
    expect(await s.service.getPortalTicket(req({ params: { id: ticket.id }, customer: a }), undefined as never)).toMatchObject({
      id: ticket.id,
      subject: 'Broken',
    });
    for (const call of [
      () => s.service.getPortalTicket(req({ params: { id: ticket.id }, customer: b }), undefined as never),
      () => s.service.listPortalMessages(req({ params: { id: ticket.id }, query: { limit: 25 }, customer: b }), undefined as never),
      () => s.service.replyPortalTicket(req({ params: { id: ticket.id }, body: { body: 'mine now' }, customer: b }), undefined as never),
    ])
      await expect(call()).rejects.toMatchObject({ kind: 'not-found' });
    expect((await s.service.listPortalTickets(req({ query: { limit: 25 }, customer: b }), undefined as never)) as object).toEqual({
      items: [],
    });
    expect(s.tickets.messages.get(`${tenant}|${ticket.id}`)).toHaveLength(1);
    // the page answers the same 404 as a ticket that does not exist
    const page = (await s.service.ticketPage(req({ params: { tenant, id: ticket.id }, customer: b }), undefined as never)) as Reply;
    expect(page.status).toBe(404);
    expect(String(page.body)).not.toContain('Broken');
  });

  it('sees public messages only, never the assignee or internal notes', async () => {
    const s = setup();
    s.addContact(tenant, 'a@example.com');
    const a = (await signIn(s, 'a@example.com')).customer;
    const ticket = (await s.service.openPortalTicket(
      req({ body: { subject: 'Help', body: 'Please' }, customer: a }),
      undefined as never,
    )) as {
      id: string;
    };
    await s.tickets.port.reply({
      tenantId: tenant,
      ticketId: ticket.id,
      message: { author: 'agent', authorId: 'agent-1', body: 'internal: VIP, be quick', public: false, channel: 'api' },
      actor: { type: 'user', id: 'agent-1' },
    });
    await s.tickets.port.reply({
      tenantId: tenant,
      ticketId: ticket.id,
      message: { author: 'agent', authorId: 'agent-1', body: 'We are on it', public: true, channel: 'api' },
      actor: { type: 'user', id: 'agent-1' },
    });
    const messages = (await s.service.listPortalMessages(
      req({ params: { id: ticket.id }, query: { limit: 25 }, customer: a }),
      undefined as never,
    )) as {
      items: { body: string; author: string }[];
    };
    expect(messages.items.map((m) => [m.author, m.body])).toEqual([
      ['customer', 'Please'],
      ['agent', 'We are on it'],
    ]);
    expect(
      JSON.stringify(await s.service.getPortalTicket(req({ params: { id: ticket.id }, customer: a }), undefined as never)),
    ).not.toMatch(/agent-1|team-1/);
  });

  it('refuses a page form without the session form token, writing nothing', async () => {
    const s = setup();
    s.addContact(tenant, 'a@example.com');
    const a = (await signIn(s, 'a@example.com')).customer;
    const other = (await signIn(s, 'a@example.com')).customer;
    const ticket = (await s.service.openPortalTicket(
      req({ body: { subject: 'Help', body: 'Please' }, customer: a }),
      undefined as never,
    )) as {
      id: string;
    };
    const page = (await s.service.ticketPage(req({ params: { tenant, id: ticket.id }, customer: a }), undefined as never)) as Reply;
    const formToken = /name="formToken" value="([^"]+)"/.exec(String(page.body))![1]!;
    const post = (token: string, customer: CustomerCaller) =>
      s.service.replyForm(
        req({ params: { tenant, id: ticket.id }, body: { body: 'More', formToken: token }, customer }),
        undefined as never,
      );
    expect(((await post('forged', a)) as Reply).status).toBe(403);
    // a token of another session (another device) is refused too
    expect(((await post(formToken, other)) as Reply).status).toBe(403);
    expect(s.tickets.messages.get(`${tenant}|${ticket.id}`)).toHaveLength(1);
    const sent = (await post(formToken, a)) as Reply;
    expect([sent.status, sent.headers.location]).toEqual([303, `/portal/${tenant}/tickets/${ticket.id}`]);
    expect(s.tickets.messages.get(`${tenant}|${ticket.id}`)).toHaveLength(2);
  });

  it('escapes what customers and agents wrote on the pages', async () => {
    const s = setup();
    s.addContact(tenant, 'a@example.com');
    const a = (await signIn(s, 'a@example.com')).customer;
    const ticket = (await s.service.openPortalTicket(
      req({ body: { subject: '<script>alert(1)</script>', body: '<img src=x onerror=alert(2)>' }, customer: a }),
      undefined as never,
    )) as { id: string };
    const page = (await s.service.ticketPage(req({ params: { tenant, id: ticket.id }, customer: a }), undefined as never)) as Reply;
    const html = String(page.body);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('the pipeline on customer routes', () => {
  const s = setup();
  const handler = httpHandler(portalRoutes, s.service, { customerSession: s.service.sessionHolds });
  const match = routeMatcher(Object.values(portalRoutes));
  const call = async (method: string, url: string, headers: Record<string, string> = {}, body?: unknown) => {
    const found = match(method, url.split('?')[0]!);
    if (!found.found) throw new Error(`no route ${method} ${url}`);
    const raw = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const rawHeaders = Object.entries({ ...(body !== undefined && { 'content-type': 'application/json' }), ...headers }).flat();
    const event = httpApiEvent(
      { method, url, rawHeaders, body: Buffer.from(raw), sourceIp: '127.0.0.1', protocol: 'HTTP/1.1', port: 80 },
      found,
      { requestId: newId(), receivedAt: new Date() },
    );
    return (await handler(event, {} as never)) as Result;
  };

  it('hands the service the customer of the bearer token; refuses none, a staff-like token and another tenant', async () => {
    s.addContact(tenant, 'p@example.com');
    const { session } = await signIn(s, 'p@example.com');
    expect((await call('GET', '/portal/tickets', { authorization: `Bearer ${session.token}` })).statusCode).toBe(200);
    expect((await call('GET', '/portal/tickets')).statusCode).toBe(401);
    const staffLike = 'eyJhbGciOiJIUzI1NiJ9.eyJjdXN0b206dGVuYW50IjoiYWNtZSJ9.c2lnbmF0dXJl';
    expect((await call('GET', '/portal/tickets', { authorization: `Bearer ${staffLike}` })).statusCode).toBe(401);
    expect((await call('GET', '/portal/other', { authorization: `Bearer ${session.token}` })).statusCode).toBe(403);
  });

  it('takes the cookie on pages only, sends pages without a session to sign in, and ends signed-out sessions', async () => {
    s.addContact(tenant, 'q@example.com');
    const { session } = await signIn(s, 'q@example.com');
    const cookie = { cookie: `theme=dark; rapport_portal=${session.token}` };
    expect((await call('GET', `/portal/${tenant}`, cookie)).statusCode).toBe(200);
    expect((await call('GET', '/portal/tickets', cookie)).statusCode).toBe(401);
    const anonymous = await call('GET', `/portal/${tenant}/new`);
    expect([anonymous.statusCode, anonymous.headers?.location]).toEqual([303, `/portal/${tenant}/sign-in`]);
    expect((await call('DELETE', '/portal/session', { authorization: `Bearer ${session.token}` })).statusCode).toBe(204);
    expect((await call('GET', '/portal/tickets', { authorization: `Bearer ${session.token}` })).statusCode).toBe(401);
    expect((await call('GET', `/portal/${tenant}`, cookie)).headers?.location).toBe(`/portal/${tenant}/sign-in`);
  });

  it('sets the session cookie HttpOnly and SameSite=Lax on the tenant path when a link is followed', async () => {
    s.addContact(tenant, 'r@example.com');
    await requestLink(s, 'r@example.com');
    const answer = await call(
      'POST',
      `/portal/${tenant}/auth`,
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({ token: lastLinkToken(s) }).toString(),
    );
    expect([answer.statusCode, answer.headers?.location]).toEqual([303, `/portal/${tenant}`]);
    const cookie = String(answer.headers?.['set-cookie']);
    expect(cookie).toMatch(/^rapport_portal=[\w-]+\.[\w-]+; /);
    expect(cookie).toContain(`Path=/portal/${tenant}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
  });
});

describe('the OpenAPI document of customer routes', () => {
  it('declares the customer session scheme, apart from the staff JWT, with its refusals and Idempotency-Key', async () => {
    const { openApiDocument } = await import('../../functions/platform/openapi.ts');
    const { routes } = await import('../../functions/routes.ts');
    const doc = openApiDocument(routes) as any;
    expect(doc.components.securitySchemes.customer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.customerCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'rapport_portal' });
    const ticket = doc.paths['/portal/tickets/{id}'].get;
    expect(ticket.security).toEqual([{ customer: [] }]);
    expect(Object.keys(ticket.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
    expect(doc.paths['/portal/{tenant}'].get.security).toEqual([{ customer: [] }, { customerCookie: [] }]);
    expect(Object.keys(doc.paths['/portal/{tenant}'].get.responses)).toEqual(expect.arrayContaining(['200', '303', '403']));
    expect(doc.paths['/portal/tickets'].post.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    expect(doc.paths['/contacts'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/portal/{tenant}/sign-in'].post.security).toEqual([]);
  });
});
