import { beforeEach, describe, expect, it } from 'vitest';
import { createTicketFormBody, ingestBody, ticketFormSubmitBody } from '../../functions/intake/schemas.ts';
import { intakeService, tenantOfRecipients } from '../../functions/intake/service.ts';
import { integrationSecret, maxSkewSeconds, signatureHeader, verifySignature } from '../../functions/intake/signature.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { publicId } from '../../shared/domain/public-id.ts';
import { Problem } from '../../shared/http/problem.ts';
import { Reply } from '../../shared/http/reply.ts';
import { useClock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { fakeIntakePorts, fakeIntakeRepository } from '../support/fakes/intake.ts';

const tenantId = 'acme';
const routing = { domain: 'in.rapport.test', addresses: { 'help@acme.example': 'acme' } };
const admin = { tenantId, userId: 'admin-1', roles: ['admin' as const] };
const none = { params: undefined, query: undefined, body: undefined };

let clock: ManualClock;
let store: ReturnType<typeof fakeIntakeRepository>;
let fake: ReturnType<typeof fakeIntakePorts>;
let service: ReturnType<typeof intakeService>;

beforeEach(() => {
  clock = new ManualClock(new Date('2026-12-01T10:00:00Z'));
  useClock(clock);
  store = fakeIntakeRepository();
  fake = fakeIntakePorts();
  service = intakeService(store.repo, fake.ports, () => routing);
});

const email = (headers: Record<string, string>, body = 'Hello, my order is late.') =>
  [
    ...Object.entries({ From: 'Ann Smith <ann@example.com>', To: 'support+acme@in.rapport.test', Subject: 'Late order', ...headers }).map(
      ([k, v]) => `${k}: ${v}`,
    ),
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
  ].join('\r\n');
const receive = (raw: string, recipients = ['support+acme@in.rapport.test']) => service.receiveEmail(raw, { recipients });

describe('which tenant an email is for', () => {
  it('takes a mapped address first, then support+<tenant>@ on the receiving domain', () => {
    expect(tenantOfRecipients(['Help@Acme.example'], routing)).toBe('acme');
    expect(tenantOfRecipients(['someone@else.test', 'support+globex@IN.rapport.test'], routing)).toBe('globex');
    expect(tenantOfRecipients(['support+globex@other.test'], routing)).toBeUndefined();
    expect(tenantOfRecipients(['support+Not_A_Tenant!@in.rapport.test'], routing)).toBeUndefined();
    expect(tenantOfRecipients(['support@in.rapport.test'], { addresses: {} })).toBeUndefined();
  });

  it('ignores mail no recipient routes, reading To and Cc when SES gave no recipients', async () => {
    expect(await service.receiveEmail(email({ 'Message-ID': '<a@x>', To: 'nobody@else.test' }), { recipients: [] })).toMatchObject({
      outcome: 'ignored',
    });
    expect(await service.receiveEmail(email({ 'Message-ID': '<b@x>' }), { recipients: [] })).toMatchObject({
      outcome: 'created',
      tenantId,
    });
  });
});

describe('email threading', () => {
  it('creates a contact and a ticket for an unknown sender', async () => {
    const out = await receive(email({ 'Message-ID': '<first@example.com>' }));
    expect(out).toMatchObject({ outcome: 'created', tenantId, messageId: 'first@example.com' });
    expect(fake.contacts(tenantId)).toMatchObject([{ email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith' }]);
    const [ticket] = fake.tickets(tenantId);
    expect(ticket).toMatchObject({ subject: 'Late order', channel: 'email', contactId: fake.contacts(tenantId)[0]!.id });
    expect(fake.opened[0]).toMatchObject({ body: 'Hello, my order is late.', sourceMessageId: 'first@example.com' });
  });

  it('opens a new ticket for a known sender without a thread, on the same contact', async () => {
    await receive(email({ 'Message-ID': '<one@example.com>' }));
    const out = await receive(email({ 'Message-ID': '<two@example.com>', Subject: 'Another question' }));
    expect(out.outcome).toBe('created');
    expect(fake.contacts(tenantId)).toHaveLength(1);
    expect(fake.tickets(tenantId)).toHaveLength(2);
    expect(new Set(fake.tickets(tenantId).map((t) => t.contactId)).size).toBe(1);
  });

  it('replies on the ticket a References id names, as the customer, without the quoted history', async () => {
    const first = await receive(email({ 'Message-ID': '<one@example.com>' }));
    const reply = email(
      { 'Message-ID': '<two@example.com>', Subject: 'Re: Late order', References: '<unrelated@x> <one@example.com>' },
      'Still nothing.\n\nOn Tue, Acme wrote:\n> We are on it',
    );
    const out = await receive(reply);
    expect(out).toMatchObject({ outcome: 'replied', ticketId: (first as { ticketId: string }).ticketId });
    const messages = fake.messages((first as { ticketId: string }).ticketId);
    expect(messages.at(-1)).toMatchObject({ author: 'customer', body: 'Still nothing.', channel: 'email', public: true });
    expect(fake.tickets(tenantId)).toHaveLength(1);
  });

  it('threads on In-Reply-To of a mail tickets sent', async () => {
    await receive(email({ 'Message-ID': '<one@example.com>' }));
    const ticketId = fake.tickets(tenantId)[0]!.id;
    await store.repo.recordMail(tenantId, 'agent-reply@rapport.test', { ticketId });
    const out = await receive(email({ 'Message-ID': '<two@example.com>', 'In-Reply-To': '<agent-reply@rapport.test>' }, 'ok'));
    expect(out).toMatchObject({ outcome: 'replied', ticketId });
  });

  it('threads on the subject reference only for the ticket contact', async () => {
    await receive(email({ 'Message-ID': '<one@example.com>' }));
    const ticket = fake.tickets(tenantId)[0]!;
    const mine = await receive(email({ 'Message-ID': '<two@example.com>', Subject: `Re: Late order [${ticket.reference}]` }, 'Any news?'));
    expect(mine).toMatchObject({ outcome: 'replied', ticketId: ticket.id });
    const stranger = await receive(
      email({ 'Message-ID': '<three@example.com>', From: 'mallory@evil.test', Subject: `Re: [${ticket.reference}]` }, 'Hi'),
    );
    expect(stranger.outcome).toBe('created');
    expect(fake.tickets(tenantId)).toHaveLength(2);
  });

  it('lands each Message-ID once: a second delivery is a duplicate, also for replies', async () => {
    const raw = email({ 'Message-ID': '<one@example.com>' });
    const [a, b] = await Promise.all([receive(raw), receive(raw)]);
    expect([a.outcome, b.outcome].sort()).toEqual(['created', 'duplicate']);
    expect(fake.tickets(tenantId)).toHaveLength(1);
    expect(await receive(raw)).toMatchObject({ outcome: 'duplicate', ticketId: fake.tickets(tenantId)[0]!.id });
    const reply = email({ 'Message-ID': '<two@example.com>', 'In-Reply-To': '<one@example.com>' }, 'more');
    expect((await receive(reply)).outcome).toBe('replied');
    expect((await receive(reply)).outcome).toBe('duplicate');
    expect(fake.messages(fake.tickets(tenantId)[0]!.id)).toHaveLength(2);
  });

  it('opens a new ticket when the threaded ticket is gone', async () => {
    await store.repo.recordMail(tenantId, 'old@example.com', { ticketId: newId() });
    const out = await receive(email({ 'Message-ID': '<two@example.com>', 'In-Reply-To': '<old@example.com>' }));
    expect(out.outcome).toBe('created');
  });

  it('ignores automatic replies, viruses and mail without a sender; tags suspected spam', async () => {
    expect((await receive(email({ 'Message-ID': '<o@x>', 'Auto-Submitted': 'auto-replied' }))).outcome).toBe('ignored');
    expect((await service.receiveEmail(email({ 'Message-ID': '<v@x>' }), { recipients: ['help@acme.example'], virus: true })).outcome).toBe(
      'ignored',
    );
    expect((await receive(email({ 'Message-ID': '<n@x>', From: 'undisclosed-recipients:;' }))).outcome).toBe('ignored');
    await service.receiveEmail(email({ 'Message-ID': '<s@x>' }), { recipients: ['help@acme.example'], spam: true });
    expect(fake.opened.at(-1)).toMatchObject({ tags: ['suspected-spam'] });
    expect(fake.tickets(tenantId)).toHaveLength(1);
  });

  it('lists attachments in the ticket body', async () => {
    const raw = [
      'From: ann@example.com',
      'To: support+acme@in.rapport.test',
      'Subject: Invoice',
      'Message-ID: <att@x>',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'See attached.',
      '--b',
      'Content-Type: application/pdf; name=invoice.pdf',
      'Content-Disposition: attachment; filename=invoice.pdf',
      'Content-Transfer-Encoding: base64',
      '',
      'JVBERi0xLjQK',
      '--b--',
    ].join('\r\n');
    await receive(raw);
    expect(fake.opened[0]!.body).toBe('See attached.\n\nAttachments (not kept):\n- invoice.pdf (application/pdf, 9 B)');
  });
});

describe('signatures', () => {
  const secret = integrationSecret('key', 'integration-1', 'salt');
  const now = new Date('2026-12-01T10:00:00Z');
  const ts = String(now.getTime() / 1000);
  const check = (over: Partial<Parameters<typeof verifySignature>[0]>) =>
    verifySignature({ secret, timestamp: ts, signature: signatureHeader(secret, ts, '{"a":1}'), body: '{"a":1}', now, ...over });

  it('accepts the HMAC of timestamp and body within the skew window', () => {
    expect(check({})).toEqual({ ok: true });
    expect(check({ now: new Date(now.getTime() + maxSkewSeconds * 1000) })).toEqual({ ok: true });
  });

  it('refuses another body, secret, a stale or future timestamp, and malformed headers', () => {
    expect(check({ body: '{"a":2}' }).ok).toBe(false);
    expect(check({ secret: integrationSecret('key', 'integration-1', 'other') }).ok).toBe(false);
    expect(check({ now: new Date(now.getTime() + (maxSkewSeconds + 1) * 1000) }).ok).toBe(false);
    expect(check({ now: new Date(now.getTime() - (maxSkewSeconds + 1) * 1000) }).ok).toBe(false);
    expect(check({ timestamp: undefined }).ok).toBe(false);
    expect(check({ signature: 'sha256=abc' }).ok).toBe(false);
    expect(check({ signature: undefined }).ok).toBe(false);
  });

  it('derives a different secret per integration and salt', () => {
    expect(integrationSecret('key', 'integration-2', 'salt')).not.toBe(secret);
    expect(integrationSecret('key', 'integration-1', 'salt')).toBe(secret);
  });
});

describe('signed ingest', () => {
  const connect = async (channel: 'chat' | 'phone' | 'social' = 'chat') =>
    (await service.createIntegration({ ...none, body: { name: 'Chat widget', channel } }, admin)) as { id: string; secret: string };
  const send = (
    integration: { id: string; secret: string },
    message: Record<string, unknown>,
    over: { secret?: string; at?: Date } = {},
  ) => {
    const rawBody = JSON.stringify(message);
    const timestamp = String(Math.floor((over.at ?? clock.now()).getTime() / 1000));
    return service.ingestMessage(
      {
        ...none,
        body: ingestBody.parse(message),
        client: {
          ip: '10.0.0.1',
          formPost: false,
          rawBody,
          headers: {
            'x-rapport-integration': integration.id,
            'x-rapport-timestamp': timestamp,
            'x-rapport-signature': signatureHeader(over.secret ?? integration.secret, timestamp, rawBody),
          },
        },
      },
      undefined as never,
    ) as Promise<{ ticketId: string; outcome: string; messageId?: string }>;
  };
  const message = (over: Record<string, unknown> = {}) => ({
    channel: 'chat',
    sourceMessageId: 'm-1',
    customer: { email: 'Chat.User@Example.com', name: 'Chat User' },
    body: 'Where is my parcel?',
    ...over,
  });

  it('shows the secret once, and lists integrations without it', async () => {
    const made = await connect();
    expect(made.secret).toMatch(/^whsec_/);
    const list = (await service.listIntegrations({ ...none, query: { limit: 10 } }, admin)) as { items: Record<string, unknown>[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).not.toHaveProperty('secret');
    expect(list.items[0]).not.toHaveProperty('salt');
    expect(store.events.map((e) => e.type)).toEqual(['ticket_integration.created']);
  });

  it('opens a ticket for a signed message, with the contact found or created', async () => {
    const integration = await connect();
    const out = await send(integration, message());
    expect(out.outcome).toBe('created');
    expect(fake.contacts(tenantId)).toMatchObject([{ email: 'chat.user@example.com', firstName: 'Chat', lastName: 'User' }]);
    expect(fake.opened[0]).toMatchObject({ channel: 'chat', subject: 'Where is my parcel?', sourceMessageId: `${integration.id}:m-1` });
  });

  it('answers a repeated source message id with what the first made', async () => {
    const integration = await connect();
    const first = await send(integration, message());
    const again = await send(integration, message());
    expect(again).toEqual({ ticketId: first.ticketId, outcome: 'duplicate' });
    expect(fake.tickets(tenantId)).toHaveLength(1);
  });

  it('replies on the ticket of the thread for later messages of a conversation', async () => {
    const integration = await connect();
    const first = await send(integration, message({ threadId: 'conv-9' }));
    const second = await send(integration, message({ threadId: 'conv-9', sourceMessageId: 'm-2', body: 'Hello?' }));
    expect(second).toMatchObject({ outcome: 'replied', ticketId: first.ticketId });
    expect(fake.messages(first.ticketId).map((m) => m.body)).toEqual(['Where is my parcel?', 'Hello?']);
    const replay = await send(integration, message({ threadId: 'conv-9', sourceMessageId: 'm-2', body: 'Hello?' }));
    expect(replay).toEqual({ ticketId: first.ticketId, messageId: second.messageId, outcome: 'duplicate' });
  });

  it('refuses a bad signature, a stale timestamp, an unknown or deleted integration with 401, writing nothing', async () => {
    const integration = await connect();
    await expect(send(integration, message(), { secret: 'whsec_forged' })).rejects.toMatchObject({ status: 401 });
    await expect(send(integration, message(), { at: new Date(clock.now().getTime() - 301_000) })).rejects.toMatchObject({ status: 401 });
    await expect(send({ ...integration, id: publicId(tenantId, newId()) }, message())).rejects.toMatchObject({ status: 401 });
    await expect(send({ ...integration, id: publicId('globex', integration.id.split('.')[1]!) }, message())).rejects.toBeInstanceOf(
      Problem,
    );
    await service.deleteIntegration({ ...none, params: { integrationId: integration.id } }, admin);
    await expect(send(integration, message())).rejects.toMatchObject({ status: 401 });
    expect(fake.tickets(tenantId)).toHaveLength(0);
    expect(fake.contacts(tenantId)).toHaveLength(0);
  });

  it('refuses a message of another channel than the integration', async () => {
    const integration = await connect('phone');
    await expect(send(integration, message())).rejects.toMatchObject({ status: 400 });
  });

  it('deletes at the version If-Match names only', async () => {
    const integration = await connect();
    await expect(
      service.deleteIntegration({ ...none, params: { integrationId: integration.id }, ifMatch: 2 }, admin),
    ).rejects.toMatchObject({
      kind: 'precondition-failed',
    });
    await service.deleteIntegration({ ...none, params: { integrationId: integration.id }, ifMatch: 1 }, admin);
    await expect(service.getIntegration({ ...none, params: { integrationId: integration.id } }, admin)).rejects.toMatchObject({
      kind: 'not-found',
    });
  });

  it('needs an email or a phone for the customer', () => {
    expect(ingestBody.safeParse(message({ customer: { name: 'Only a name' } })).success).toBe(false);
    expect(ingestBody.safeParse(message({ customer: { phone: '+14155550123' } })).success).toBe(true);
  });
});

describe('ticket forms', () => {
  const makeForm = async (over: Record<string, unknown> = {}) =>
    (await service.createTicketForm(
      { ...none, body: createTicketFormBody.parse({ name: 'Contact us', thankYouUrl: 'https://acme.example/thanks', ...over }) },
      admin,
    )) as { id: string };
  const submit = (formId: string, body: Record<string, string>, formPost = false, ip = '10.0.0.1') =>
    service.submitTicketForm({ ...none, params: { formId }, body: ticketFormSubmitBody.parse(body), client: { ip, formPost } }, admin);
  const answer = { email: 'web@example.com', name: '', subject: 'Broken link', message: 'The download link 404s.' };

  it('opens a web ticket with the form defaults, JSON for scripts and 303 for browsers', async () => {
    const form = await makeForm({ priority: 'high', category: 'website', tags: ['web'] });
    const json = (await submit(form.id, answer)) as { ticketId: string; reference: string };
    expect(json.reference).toMatch(/^T-\d+$/);
    expect(fake.opened[0]).toMatchObject({ channel: 'web', priority: 'high', category: 'website', tags: ['web'], subject: 'Broken link' });
    const redirect = (await submit(form.id, answer, true)) as Reply;
    expect(redirect.status).toBe(303);
    expect(redirect.headers.location).toBe('https://acme.example/thanks');
    expect(fake.contacts(tenantId)).toHaveLength(1);
  });

  it('limits submissions per IP and per form in a fixed window (429 with Retry-After)', async () => {
    const form = await makeForm({ rateLimit: { perMinute: 3, perIpPerMinute: 2 } });
    const status = async (ip: string) => {
      const a = await submit(form.id, answer, false, ip);
      return a instanceof Reply ? a.status : 200;
    };
    expect([await status('1'), await status('1'), await status('1')]).toEqual([200, 200, 429]);
    expect(await status('2')).toBe(200);
    const limited = (await submit(form.id, answer, false, '3')) as Reply;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(fake.tickets(tenantId)).toHaveLength(3);
    await clock.advance(60_000);
    expect(await status('1')).toBe(200);
  });

  it('is not found under another tenant', async () => {
    const form = await makeForm();
    await expect(submit(publicId('globex', form.id.split('.')[1]!), answer)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('needs an email, a subject and a message', () => {
    expect(ticketFormSubmitBody.safeParse({ email: 'a@example.com', subject: 'x' }).success).toBe(false);
    expect(ticketFormSubmitBody.safeParse({ email: 'not-an-email', subject: 'x', message: 'y' }).success).toBe(false);
  });
});
