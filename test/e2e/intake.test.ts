import { describe, expect, it } from 'vitest';
import { signatureHeader } from '../../functions/intake/signature.ts';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

const rt = useTestRuntime();
const as =
  (tenant: string, role: Role, user = `${role}-user`) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], user))(...args);
const anonymous = () => apiClient(rt.url);

const inbound = async (tenant: string, raw: string) => {
  const res = await fetch(`${rt.url}/dev/inbound-email?tenant=${tenant}`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822' },
    body: raw,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { outcome: string; ticketId?: string }[] }).items[0]!;
};

const email = (headers: Record<string, string>, body: string) =>
  [
    ...Object.entries({ From: 'Ann Smith <ann@example.com>', To: 'support@acme.example', ...headers }).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    body,
  ].join('\r\n');

describe('email intake', () => {
  it('turns a raw message into a ticket for a new contact, threads the reply, and ignores a redelivery', async () => {
    const tenant = uniqueTenant('intake-mail');
    const support = as(tenant, 'support');
    const first = await inbound(
      tenant,
      email({ Subject: '=?UTF-8?B?6K6i5Y2V5pyq5Yiw?= order 5521', 'Message-ID': '<m1@example.com>' }, 'My order has not arriv=\r\ned.'),
    );
    expect(first.outcome).toBe('created');
    const ticket = await support('GET', `/tickets/${first.ticketId}`);
    expect(ticket.status).toBe(200);
    expect(ticket.body).toMatchObject({ subject: '订单未到 order 5521', channel: 'email' });
    const contact = await support('GET', `/contacts/${ticket.body.contactId}`);
    expect(contact.body).toMatchObject({ email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith' });

    expect(await inbound(tenant, email({ Subject: 'again', 'Message-ID': '<m1@example.com>' }, 'x'))).toMatchObject({
      outcome: 'duplicate',
      ticketId: first.ticketId,
    });

    const reply = await inbound(
      tenant,
      email(
        { Subject: 'Re: order 5521', 'Message-ID': '<m2@example.com>', 'In-Reply-To': '<m1@example.com>', References: '<m1@example.com>' },
        'Still waiting.\r\n\r\nOn Tue, Acme wrote:\r\n> We are on it',
      ),
    );
    expect(reply).toMatchObject({ outcome: 'replied', ticketId: first.ticketId });
    const conversation = await support('GET', `/tickets/${first.ticketId}/messages`);
    expect(conversation.body.items.map((m: { body: string }) => m.body)).toEqual(['My order has not arrived.', 'Still waiting.']);
    expect(conversation.body.items[1]).toMatchObject({ author: 'customer', authorId: ticket.body.contactId });

    const byReference = await inbound(
      tenant,
      email({ Subject: `Re: order [${ticket.body.reference}]`, 'Message-ID': '<m3@example.com>' }, 'Any news?'),
    );
    expect(byReference).toMatchObject({ outcome: 'replied', ticketId: first.ticketId });
  });
});

describe('signed ingest', () => {
  const signed = (integration: { id: string; secret: string }, body: unknown, secret = integration.secret) => {
    const raw = JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    return anonymous()('POST', '/tickets/ingest', raw, {
      'x-rapport-integration': integration.id,
      'x-rapport-timestamp': timestamp,
      'x-rapport-signature': signatureHeader(secret, timestamp, raw),
    });
  };

  it('opens a ticket for a signed message, replays idempotently, threads, and refuses a bad signature with 401', async () => {
    const tenant = uniqueTenant('intake-ingest');
    const admin = as(tenant, 'admin');
    const made = await admin('POST', '/ticket-integrations', { name: 'Chat widget', channel: 'chat' });
    expect(made.status).toBe(201);
    expect(made.body.secret).toMatch(/^whsec_/);
    const listed = await as(tenant, 'support')('GET', '/ticket-integrations');
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).not.toHaveProperty('secret');

    const message = {
      channel: 'chat',
      sourceMessageId: 'chat-1',
      threadId: 'conversation-1',
      customer: { email: 'visitor@example.com', name: 'Vera Visitor' },
      body: 'Can I change my delivery address?',
    };
    const first = await signed(made.body, message);
    expect(first.status).toBe(200);
    expect(first.body.outcome).toBe('created');
    const replay = await signed(made.body, message);
    expect(replay.body).toMatchObject({ outcome: 'duplicate', ticketId: first.body.ticketId });
    const next = await signed(made.body, { ...message, sourceMessageId: 'chat-2', body: 'It is 5 Main St.' });
    expect(next.body).toMatchObject({ outcome: 'replied', ticketId: first.body.ticketId });

    const forged = await signed(made.body, { ...message, sourceMessageId: 'chat-3' }, 'whsec_forged');
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toBe('application/problem+json');
    const unsigned = await anonymous()('POST', '/tickets/ingest', message);
    expect(unsigned.status).toBe(401);

    const tickets = await as(tenant, 'support')('GET', `/tickets/${first.body.ticketId}/messages`);
    expect(tickets.body.items).toHaveLength(2);

    expect((await admin('DELETE', `/ticket-integrations/${made.body.id}`)).status).toBe(204);
    expect((await signed(made.body, { ...message, sourceMessageId: 'chat-4' })).status).toBe(401);
  });
});

describe('ticket forms', () => {
  it('opens a web ticket from a public submission, redirects a browser post, and limits submissions with 429', async () => {
    const tenant = uniqueTenant('intake-form');
    const form = await as(tenant, 'admin')('POST', '/ticket-forms', {
      name: 'Contact us',
      thankYouUrl: 'https://acme.example/thanks',
      rateLimit: { perMinute: 100, perIpPerMinute: 2 },
    });
    expect(form.status).toBe(201);
    const submit = (body: unknown, headers?: Record<string, string>) =>
      anonymous()('POST', `/ticket-forms/${form.body.id}/submit`, body, headers);

    const json = await submit({ email: 'web@example.com', subject: 'Broken link', message: 'The download 404s.' });
    expect(json.status).toBe(200);
    const ticket = await as(tenant, 'support')('GET', `/tickets/${json.body.ticketId}`);
    expect(ticket.body).toMatchObject({ channel: 'web', subject: 'Broken link', reference: json.body.reference });

    const browser = await fetch(`${rt.url}/ticket-forms/${form.body.id}/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'web@example.com', name: '', subject: 'Again', message: 'Still broken' }),
      redirect: 'manual',
    });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('https://acme.example/thanks');

    const limited = await submit({ email: 'web@example.com', subject: 'Third', message: 'x' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
