import { beforeAll, describe, expect, it } from 'vitest';
import { sendMessage } from '../../functions/messaging/send.ts';
import type { BusEvent } from '../../infra/local/bus.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

// Monday 2026-03-02, 11:00 UTC: daytime in Europe, 06:00 (quiet) in New York.
const clock = new ManualClock(new Date('2026-03-02T11:00:00Z'));
const rt = useTestRuntime({ clock });
const api =
  (tenant: string, role: Role = 'marketing') =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role]))(...args);

beforeAll(() => {
  process.env.PUBLIC_BASE_URL = rt.url;
});

const welcomeTemplate = {
  name: 'Welcome',
  channel: 'email',
  subject: 'Welcome, {{ contact.firstName }}',
  html: '<p>Hello {{ contact.firstName }} from {{ company.name }}</p><a href="{{ unsubscribeUrl }}">Unsubscribe</a>',
  text: 'Hello {{ contact.firstName }}',
};

const newContact = async (tenant: string, body: Record<string, unknown>) => {
  const res = await api(tenant, 'sales')('POST', '/contacts', body);
  expect(res.status).toBe(201);
  return res.body as { id: string };
};

const events = (tenant: string) => {
  const seen: BusEvent[] = [];
  rt.bus.onEvent((e) => (e.detail as { tenantId?: string }).tenantId === tenant && seen.push(e));
  return { types: () => seen.map((e) => e['detail-type']) };
};

const outboxFor = (address: string) => rt.outbox.messages().filter((m) => (m.channel === 'email' ? m.email.to : m.sms.to) === address);

describe('sending through the embedded runtime', () => {
  it('lets templates list the contact’s recent orders, newest first', async () => {
    const tenant = uniqueTenant('msg-orders');
    const contact = await newContact(tenant, { email: 'buyer@orders.example', firstName: 'Bo', consent: { email: { marketing: true } } });
    const order = (orderId: string, occurredAt: string, amount: number) => ({
      type: 'order.placed',
      occurredAt,
      data: { orderId, contactId: contact.id, total: { amount, currency: 'EUR' } },
    });
    for (const o of [order('A-1', '2026-02-01T10:00:00Z', 1999), order('A-2', '2026-02-20T10:00:00Z', 4500)]) {
      expect((await api(tenant, 'admin')('POST', '/events', o)).status).toBe(202);
    }
    await rt.settle();
    const outcome = await sendMessage({
      tenantId: tenant,
      contactId: contact.id,
      channel: 'email',
      purpose: 'marketing',
      dedupeKey: 'orders.1',
      content: {
        subject: 'Thanks {{ contact.firstName }}',
        text: '{% for o in recentOrders %}{{ o.orderId }}:{{ o.total.amount }} {% endfor %}',
      },
    });
    expect(outcome.status).toBe('sent');
    const mail = outboxFor('buyer@orders.example')[0];
    expect(mail?.channel === 'email' && mail.email.text?.trim()).toBe('A-2:4500 A-1:1999');
  });

  it('sends a templated email once per dedupe key, with log, timeline and message.sent', async () => {
    const tenant = uniqueTenant('msg-send');
    const seen = events(tenant);
    const { body: company } = await api(tenant, 'sales')('POST', '/companies', { name: 'Globex' });
    const contact = await newContact(tenant, {
      email: 'ana@send.example',
      firstName: 'Ana',
      companyId: company.id,
      timeZone: 'Europe/Paris',
      consent: { email: { marketing: true } },
    });
    const { body: template } = await api(tenant)('POST', '/templates', welcomeTemplate);

    const request = {
      tenantId: tenant,
      contactId: contact.id,
      channel: 'email',
      purpose: 'marketing',
      templateId: template.id,
      dedupeKey: 'run-1.step-1',
      journeyId: 'j-1',
      runId: 'run-1',
    } as const;
    const [first, second] = await Promise.all([sendMessage(request), sendMessage(request)]);
    const third = await sendMessage(request);
    // Concurrent and later retries all learn the one outcome; only one email leaves.
    const sent = first as { messageId: string };
    expect([first, second, third]).toEqual([
      { status: 'sent', messageId: sent.messageId },
      { status: 'sent', messageId: sent.messageId },
      { status: 'sent', messageId: sent.messageId },
    ]);

    const mails = outboxFor('ana@send.example');
    expect(mails).toHaveLength(1);
    const email = mails[0]!.channel === 'email' ? mails[0]!.email : undefined;
    expect(email).toMatchObject({ subject: 'Welcome, Ana', tags: { 'rapport-tenant': tenant, 'rapport-message': sent.messageId } });
    expect(email?.html).toContain('Hello Ana from Globex');
    expect(email?.headers?.['List-Unsubscribe']).toMatch(new RegExp(`^<${rt.url}/unsubscribe/[\\w-]+\\.[\\w-]+>$`));

    const log = await api(tenant, 'analyst')('GET', `/messages?contactId=${contact.id}`);
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        id: sent.messageId,
        status: 'sent',
        purpose: 'marketing',
        templateVersion: 1,
        dedupeKey: 'run-1.step-1',
        to: 'ana@send.example',
      }),
    ]);
    expect(log.body.items[0]).not.toHaveProperty('request');

    const timeline = await api(tenant, 'sales')('GET', `/contacts/${contact.id}/activities`);
    expect(timeline.body.items).toEqual([
      expect.objectContaining({ type: 'message', channel: 'email', direction: 'outbound', subject: 'Welcome, Ana' }),
    ]);
    // An automated email is not engagement: it must not reset the win-back clock.
    const after = (await api(tenant, 'sales')('GET', `/contacts/${contact.id}`)).body;
    expect(after).not.toHaveProperty('lastActivityAt');
    expect(after.lastEngagedAt).toBe(after.createdAt);
    await rt.settle();
    expect(seen.types().filter((t) => t.startsWith('message.'))).toEqual(['message.sent']);
  });

  it('respects consent and frequency caps across journeys', async () => {
    const tenant = uniqueTenant('msg-caps');
    const consenting = await newContact(tenant, { email: 'cap@send.example', consent: { email: { marketing: true } } });
    const silent = await newContact(tenant, { email: 'silent@send.example' });
    const content = { subject: 'Offer', text: 'Hi' };
    const send = (contactId: string, dedupeKey: string, purpose: 'marketing' | 'transactional' = 'marketing') =>
      sendMessage({ tenantId: tenant, contactId, channel: 'email', purpose, content, dedupeKey });

    expect(await send(silent.id, 'a')).toMatchObject({ status: 'skipped', reason: 'no-consent' });
    expect(await send(silent.id, 'receipt', 'transactional')).toMatchObject({ status: 'sent' });
    expect(await send(consenting.id, 'journey-1')).toMatchObject({ status: 'sent' });
    expect(await send(consenting.id, 'journey-2')).toMatchObject({ status: 'skipped', reason: 'frequency-cap' });

    // A tenant that allows two a day gets the second through.
    const settings = await api(tenant, 'admin')('PUT', '/messaging/settings', { frequencyCaps: { marketing: { perDay: 2, perWeek: 5 } } });
    expect(settings.status).toBe(200);
    expect(await send(consenting.id, 'journey-3')).toMatchObject({ status: 'sent' });
    expect(outboxFor('cap@send.example')).toHaveLength(2);
  });

  it('defers through quiet hours and sends when the scheduler fires in the contact’s morning', async () => {
    const tenant = uniqueTenant('msg-quiet');
    const contact = await newContact(tenant, {
      email: 'ny@send.example',
      timeZone: 'America/New_York',
      consent: { email: { marketing: true } },
    });
    const outcome = await sendMessage({
      tenantId: tenant,
      contactId: contact.id,
      channel: 'email',
      purpose: 'marketing',
      content: { subject: 'Morning', text: 'Good morning' },
      dedupeKey: 'quiet-1',
    });
    expect(outcome).toMatchObject({ status: 'deferred', until: '2026-03-02T13:00:00.000Z' });
    expect(outboxFor('ny@send.example')).toHaveLength(0);

    await clock.advance(2 * 3600 * 1000); // 08:00 in New York
    await rt.settle();
    expect(outboxFor('ny@send.example')).toHaveLength(1);
    const { body } = await api(tenant, 'analyst')('GET', `/messages?contactId=${contact.id}`);
    expect(body.items).toEqual([
      expect.objectContaining({ status: 'sent', deferredUntil: '2026-03-02T13:00:00.000Z', sentAt: '2026-03-02T13:00:00.000Z' }),
    ]);
    expect(rt.scheduler.deadLetters).toEqual([]);
  });
});

describe('a mangled preference link', () => {
  it('opens the same “this link does not work” page the survey link gives, never a problem document', async () => {
    const person = apiClient(rt.url);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    for (const token of ['junk', 'x', 'not.signed', 'x'.repeat(1500)]) {
      for (const res of [
        await person('GET', `/unsubscribe/${token}`),
        await person('POST', `/unsubscribe/${token}`, 'List-Unsubscribe=One-Click', form),
      ]) {
        expect(res.status, token).toBe(400);
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(res.body).toContain('<h1>This link does not work</h1>');
      }
    }
  });
});
