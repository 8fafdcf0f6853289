import { beforeEach, describe, expect, it } from 'vitest';
import type { ActivityInput } from '../../functions/activities/api.ts';
import type { Contact } from '../../functions/contacts/api.ts';
import type { MessageStore } from '../../functions/messaging/message-store.ts';
import type { CapCounter } from '../../functions/messaging/policy.ts';
import type { MessageLog, MessagingSettings, Template } from '../../functions/messaging/schemas.ts';
import { createSender } from '../../functions/messaging/sender.ts';
import { defaultSettings } from '../../functions/messaging/settings.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import type { Email, Sms } from '../../shared/ports/messages.ts';
import type { ScheduledJob } from '../../shared/ports/scheduler.ts';

const tenantId = 'acme';
const contactId = '01JABCDEFGHJKMNPQRSTVWXYZ0';
const granted = { granted: true, source: 'test', at: '2026-01-01T00:00:00.000Z' };

/** The message log, dedupe guards and pressure counters, in memory, with the same all-or-nothing rules as DynamoDB. */
const fakeStore = () => {
  const logs = new Map<string, MessageLog>();
  const guards = new Map<string, string>();
  const counts = new Map<string, number>();
  const events: DomainEvent[] = [];
  const counterKey = (log: MessageLog, cap: CapCounter) => `${log.contactId}|${log.purpose}|${cap.bucket}`;
  const within = (log: MessageLog, caps: CapCounter[]) => caps.every((c) => (counts.get(counterKey(log, c)) ?? 0) < c.limit);
  const count = (log: MessageLog, caps: CapCounter[]) => {
    for (const c of caps) counts.set(counterKey(log, c), (counts.get(counterKey(log, c)) ?? 0) + 1);
  };
  const store: MessageStore = {
    async byDedupeKey(_t, key) {
      const id = guards.get(key);
      return id ? structuredClone(logs.get(id)) : undefined;
    },
    async get(_t, id) {
      return structuredClone(logs.get(id));
    },
    async create(_t, log, caps, evs) {
      if (guards.has(log.dedupeKey)) return 'duplicate';
      if (!within(log, caps)) return 'capped';
      guards.set(log.dedupeKey, log.id);
      logs.set(log.id, structuredClone(log));
      count(log, caps);
      events.push(...evs);
      return 'created';
    },
    async move(_t, log, expected, change, caps, evs) {
      const current = logs.get(log.id);
      if (!current || current.status !== expected.status || (expected.claimedAt && current.claimedAt !== expected.claimedAt))
        return 'stale';
      if (!within(current, caps)) return 'capped';
      const next: Record<string, unknown> = {
        ...current,
        ...Object.fromEntries(Object.entries(change.set ?? {}).filter(([, v]) => v !== undefined)),
      };
      for (const field of change.remove ?? []) delete next[field];
      logs.set(log.id, next as MessageLog);
      count(current, caps);
      events.push(...evs);
      return 'moved';
    },
  };
  return { store, logs, guards, events };
};

const contact = (over: Partial<Contact> = {}): Contact => ({
  id: contactId,
  version: 1,
  email: 'ana@example.com',
  phone: '+33612345678',
  firstName: '<b>Ana</b>',
  lifecycleStage: 'lead',
  tags: [],
  attributes: {},
  consent: { email: { marketing: granted, surveys: granted }, sms: { marketing: granted } },
  consentHistory: [],
  timeZone: 'Europe/Paris',
  lastEngagedAt: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const welcome: Template = {
  id: '01JTEMPXATE000000000000000',
  name: 'Welcome',
  channel: 'email',
  version: 2,
  subject: 'Welcome {{ contact.firstName }}',
  html: '<p>Hi {{ contact.firstName }}, {{ promo }}</p><a href="{{ unsubscribeUrl }}">unsubscribe</a>',
  text: 'Hi {{ contact.firstName }}',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
};

// Monday 2026-03-02, 12:00 in Paris.
const monday = new Date('2026-03-02T11:00:00Z');

const setup = () => {
  const { store, logs, guards, events } = fakeStore();
  const clock = new ManualClock(monday);
  const emails: Email[] = [];
  const texts: Sms[] = [];
  const jobs: ScheduledJob[] = [];
  const timeline: ActivityInput[] = [];
  const state = {
    contact: contact() as Contact | undefined,
    settings: defaultSettings as MessagingSettings,
    suppressed: new Set<string>(),
    templates: new Map<string, Template>([[welcome.id, welcome]]),
    provider: undefined as Error | undefined,
  };
  const sender = createSender({
    store,
    contact: async () => state.contact,
    company: async () => undefined,
    recentOrders: async () => [],
    templates: {
      head: async (_t, id) => state.templates.get(id),
      version: async (_t, _id, v) =>
        v === 1 ? { ...welcome, version: 1, subject: 'Old welcome' } : v === welcome.version ? welcome : undefined,
    },
    settings: async () => state.settings,
    suppressed: async (_t, _c, address) => state.suppressed.has(address),
    timeline: async (_t, _c, entry) => void timeline.push(entry),
    messages: () => ({
      sendEmail: async (email) => {
        if (state.provider) throw state.provider;
        emails.push(email);
        return { messageId: `ses-${emails.length}` };
      },
      sendSms: async (sms) => {
        texts.push(sms);
        return { messageId: `sns-${texts.length}` };
      },
    }),
    scheduler: () => ({ schedule: async (job) => void jobs.push(job), cancel: async () => {} }),
    clock: () => clock,
  });
  return { sender, state, logs, guards, events, clock, emails, texts, jobs, timeline };
};

const marketing = (dedupeKey: string, over = {}) => ({
  tenantId,
  contactId,
  channel: 'email' as const,
  purpose: 'marketing' as const,
  templateId: welcome.id,
  dedupeKey,
  ...over,
});

let t: ReturnType<typeof setup>;
beforeEach(() => {
  t = setup();
});

describe('sending', () => {
  it('renders the template, sends with one-click unsubscribe headers and SES tags, and records log, event and timeline', async () => {
    const outcome = await t.sender.send(
      marketing('run1.step1', { variables: { promo: '10% off', unsubscribeUrl: 'https://evil.example' }, journeyId: 'j1', runId: 'run1' }),
    );
    expect(outcome).toEqual({ status: 'sent', messageId: expect.any(String) });
    const messageId = (outcome as { messageId: string }).messageId;
    expect(t.emails).toHaveLength(1);
    const email = t.emails[0]!;
    expect(email).toMatchObject({
      to: 'ana@example.com',
      subject: 'Welcome <b>Ana</b>',
      text: 'Hi <b>Ana</b>',
      tags: { 'rapport-tenant': tenantId, 'rapport-message': messageId },
    });
    expect(email.html).toContain('Hi &lt;b&gt;Ana&lt;/b&gt;, 10% off');
    const link = /<([^>]+)>/.exec(email.headers!['List-Unsubscribe']!)![1]!;
    expect(link).toMatch(/\/unsubscribe\/[\w-]+\.[\w-]+$/);
    expect(email.html).toContain(`href="${link}"`); // request variables cannot replace the real link
    expect(email.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(t.logs.get(messageId)).toMatchObject({
      status: 'sent',
      templateVersion: 2,
      to: 'ana@example.com',
      providerMessageId: 'ses-1',
      journeyId: 'j1',
    });
    expect(t.events.map((e) => [e.type, e.data.messageId, e.data.runId])).toEqual([['message.sent', messageId, 'run1']]);
    expect(t.timeline).toEqual([
      expect.objectContaining({ type: 'message', channel: 'email', direction: 'outbound', subject: 'Welcome <b>Ana</b>' }),
    ]);
  });

  it('never sends the same dedupe key twice', async () => {
    const first = await t.sender.send(marketing('k1'));
    const again = await t.sender.send(marketing('k1'));
    // A retry learns what the first attempt came to, and nothing is sent again.
    expect(again).toEqual({ status: 'sent', messageId: (first as { messageId: string }).messageId });
    expect(t.emails).toHaveLength(1);
  });

  it('renders a pinned template version and refuses deleted or mismatched templates', async () => {
    await t.sender.send(marketing('pinned', { templateVersion: 1 }));
    expect(t.emails[0]?.subject).toBe('Old welcome');
    t.state.templates.set(welcome.id, { ...welcome, deletedAt: '2026-02-01T00:00:00.000Z' });
    expect(await t.sender.send(marketing('deleted'))).toMatchObject({ status: 'failed', reason: `template ${welcome.id} does not exist` });
    expect(await t.sender.send(marketing('sms', { channel: 'sms', templateVersion: 2 }))).toMatchObject({
      status: 'failed',
      reason: `template ${welcome.id} is for email, not sms`,
    });
    expect(t.events.filter((e) => e.type === 'message.failed')).toHaveLength(2);
  });

  it('sends inline content (surveys) and SMS bodies', async () => {
    const survey = await t.sender.send({
      tenantId,
      contactId,
      channel: 'email',
      purpose: 'surveys',
      dedupeKey: 's1',
      content: { subject: 'How did we do?', html: '<a href="{{ surveyUrl }}">Rate us</a>' },
      variables: { surveyUrl: 'https://x.test/s/1' },
    });
    expect(survey.status).toBe('sent');
    expect(t.emails[0]?.html).toBe('<a href="https://x.test/s/1">Rate us</a>');
    expect(
      await t.sender.send({
        tenantId,
        contactId,
        channel: 'sms',
        purpose: 'marketing',
        dedupeKey: 'sms1',
        content: { body: 'Hi {{ contact.firstName }}, reply STOP to opt out' },
      }),
    ).toMatchObject({ status: 'sent' });
    expect(t.texts).toEqual([{ to: '+33612345678', body: 'Hi <b>Ana</b>, reply STOP to opt out' }]);
  });

  it('answers a bad request or an unrenderable message with failed', async () => {
    expect(await t.sender.send(marketing('x', { content: { subject: 's' } }))).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('either templateId or content'),
    });
    expect(
      await t.sender.send({ ...marketing('y'), templateId: undefined, content: { subject: 'Hi', html: '{{ x | nope }}' } }),
    ).toMatchObject({ status: 'failed', reason: expect.stringContaining('undefined filter: nope') });
    expect(t.emails).toHaveLength(0);
  });
});

describe('contact-pressure policy', () => {
  it('skips without consent, on the suppression list, without an address or a contact', async () => {
    t.state.contact = contact({ consent: {} });
    expect(await t.sender.send(marketing('a'))).toMatchObject({ status: 'skipped', reason: 'no-consent' });
    t.state.contact = contact();
    t.state.suppressed.add('ana@example.com');
    expect(await t.sender.send(marketing('b'))).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    t.state.contact = contact({ email: undefined });
    expect(await t.sender.send(marketing('c'))).toMatchObject({ status: 'skipped', reason: 'no-address' });
    t.state.contact = undefined;
    expect(await t.sender.send(marketing('d'))).toMatchObject({ status: 'skipped', reason: 'contact-missing' });
    expect(t.emails).toHaveLength(0);
    expect([...t.logs.values()].map((l) => [l.status, l.reason])).toEqual([
      ['skipped', 'no-consent'],
      ['skipped', 'suppressed'],
      ['skipped', 'no-address'],
      ['skipped', 'contact-missing'],
    ]);
  });

  it('caps marketing at 1 a day and 3 a week across journeys, counting days and weeks in the contact’s zone', async () => {
    const day = 24 * 3600 * 1000;
    const results: string[] = [];
    const send = async (key: string) => results.push((await t.sender.send(marketing(key, { journeyId: key }))).status);
    await send('mon-1');
    await send('mon-2');
    await t.clock.advance(day);
    await send('tue');
    await t.clock.advance(day);
    await send('wed');
    await t.clock.advance(day);
    await send('thu');
    await t.clock.advance(4 * day);
    await send('next-mon');
    expect(results).toEqual(['sent', 'skipped', 'sent', 'sent', 'skipped', 'sent']);
    expect([...t.logs.values()].filter((l) => l.reason === 'frequency-cap')).toHaveLength(2);
  });

  it('lets transactional messages bypass caps and quiet hours, without unsubscribe headers', async () => {
    await t.sender.send(marketing('m'));
    await t.clock.advance(11 * 3600 * 1000); // 23:00 in Paris
    const receipt = { ...marketing('receipt'), purpose: 'transactional' as const };
    t.state.contact = contact({ consent: {} });
    expect(await t.sender.send(receipt)).toMatchObject({ status: 'sent' });
    expect(t.emails[1]?.headers).toBeUndefined();
  });

  it('counts surveys apart from marketing', async () => {
    await t.sender.send(marketing('m'));
    expect(await t.sender.send({ ...marketing('s'), purpose: 'surveys' })).toMatchObject({ status: 'sent' });
  });

  it('defers in quiet hours, then sends at their end through the scheduler, once', async () => {
    await t.clock.advance(11 * 3600 * 1000); // Monday 23:00 in Paris
    const outcome = await t.sender.send(marketing('late'));
    expect(outcome).toEqual({ status: 'deferred', messageId: expect.any(String), until: '2026-03-03T07:00:00.000Z' });
    const messageId = (outcome as { messageId: string }).messageId;
    expect(t.jobs).toEqual([
      { name: `msg-${messageId}-1`, at: new Date('2026-03-03T07:00:00Z'), target: 'messaging', payload: { tenantId, messageId } },
    ]);
    expect(t.emails).toHaveLength(0);

    // A retry of the same request before the morning re-arms the same job and sends nothing.
    expect(await t.sender.send(marketing('late'))).toEqual(outcome);
    expect(t.jobs.map((j) => j.name)).toEqual([`msg-${messageId}-1`, `msg-${messageId}-1`]);

    await t.clock.advance(9 * 3600 * 1000); // 08:00 in Paris
    expect(await t.sender.resume(tenantId, messageId)).toEqual({ status: 'sent', messageId });
    expect(await t.sender.resume(tenantId, messageId)).toBeUndefined();
    expect(t.emails).toHaveLength(1);
    expect(t.logs.get(messageId)).not.toHaveProperty('request');
  });

  it('defers again, under a new job, when the quiet hours moved meanwhile', async () => {
    await t.clock.advance(11 * 3600 * 1000);
    const { messageId } = (await t.sender.send(marketing('late'))) as { messageId: string };
    t.state.settings = { ...defaultSettings, quietHours: { start: '21:00', end: '10:00' } };
    await t.clock.advance(9 * 3600 * 1000);
    expect(await t.sender.resume(tenantId, messageId)).toEqual({ status: 'deferred', messageId, until: '2026-03-03T09:00:00.000Z' });
    expect(t.jobs.map((j) => j.name)).toEqual([`msg-${messageId}-1`, `msg-${messageId}-2`]);
  });

  it('checks the policy again when a deferred message comes due', async () => {
    await t.clock.advance(11 * 3600 * 1000);
    const { messageId } = (await t.sender.send(marketing('late'))) as { messageId: string };
    t.state.contact = contact({ consent: { email: { marketing: { ...granted, granted: false } } } });
    await t.clock.advance(9 * 3600 * 1000);
    expect(await t.sender.resume(tenantId, messageId)).toMatchObject({ status: 'skipped', reason: 'no-consent' });
    expect(t.emails).toHaveLength(0);
  });
});

describe('failures and crashes', () => {
  it('records a provider failure and does not retry it under the same key', async () => {
    t.state.provider = new Error('MessageRejected: Email address is not verified');
    const failed = await t.sender.send(marketing('f'));
    expect(failed).toMatchObject({ status: 'failed', reason: expect.stringContaining('not verified') });
    expect(t.events.map((e) => e.type)).toEqual(['message.failed']);
    t.state.provider = undefined;
    expect(await t.sender.send(marketing('f'))).toMatchObject({ status: 'failed', reason: expect.stringContaining('not verified') });
    expect(t.emails).toHaveLength(0);
  });

  it('after a crash between claim and provider: marketing is never re-sent, a stale transactional claim is', async () => {
    const claimed = (purpose: MessageLog['purpose'], key: string): MessageLog => ({
      id: `01JCLAIMED${key.toUpperCase().padEnd(16, '0')}`,
      contactId,
      channel: 'email',
      purpose,
      templateId: welcome.id,
      dedupeKey: key,
      status: 'claimed',
      claimedAt: monday.toISOString(),
      createdAt: monday.toISOString(),
      updatedAt: monday.toISOString(),
    });
    for (const log of [claimed('marketing', 'crashm'), claimed('transactional', 'crasht')]) {
      t.logs.set(log.id, log);
      t.guards.set(log.dedupeKey, log.id);
    }
    const retryMarketing = () => t.sender.send(marketing('crashm'));
    const retryReceipt = () => t.sender.send({ ...marketing('crasht'), purpose: 'transactional' });

    expect(await retryReceipt()).toMatchObject({ status: 'skipped', reason: 'duplicate' }); // the claim may still be live
    await t.clock.advance(16 * 60 * 1000);
    expect(await retryMarketing()).toMatchObject({ status: 'skipped', reason: 'duplicate' });
    expect(await retryReceipt()).toMatchObject({ status: 'sent' });
    expect(await retryReceipt()).toMatchObject({ status: 'sent' });
    expect(t.emails).toHaveLength(1);
  });
});
