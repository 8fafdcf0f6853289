import { beforeEach, describe, expect, it } from 'vitest';
import { feedbackApplier } from '../../functions/messaging/feedback.ts';
import type { MessageLog } from '../../functions/messaging/schemas.ts';
import type { Feedback } from '../../functions/messaging/ses-events.ts';
import { memoryMessages } from '../support/fakes/messaging.ts';

const tenantId = 'acme';
const sentLog: MessageLog = {
  id: '01JMSG',
  contactId: '01JCONTACT',
  channel: 'email',
  purpose: 'marketing',
  dedupeKey: 'run-1.step-1',
  status: 'sent',
  to: 'ana@example.com',
  subject: 'News',
  createdAt: '2026-03-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
};

const feedback = (over: Partial<Feedback>): Feedback => ({
  tenantId,
  messageId: sentLog.id,
  kind: 'delivered',
  at: '2026-03-02T10:00:02.000Z',
  key: 'delivered#2026-03-02T10:00:02.000Z',
  recipients: [],
  ...over,
});

const hardBounce = feedback({
  kind: 'bounced',
  bounceType: 'permanent',
  key: 'bounced#2026-03-02T10:00:03.000Z',
  at: '2026-03-02T10:00:03.000Z',
  recipients: ['ana@example.com'],
});

describe('applying SES feedback', () => {
  let fake: ReturnType<typeof memoryMessages>;
  let timeline: { contactId: string; subject?: string; actor: unknown; engages?: boolean }[];
  let apply: (f: Feedback) => Promise<void>;

  beforeEach(() => {
    fake = memoryMessages();
    fake.put(tenantId, sentLog);
    timeline = [];
    apply = feedbackApplier({
      messages: fake.repository,
      timeline: async ({ contactId, entry, actor, engages }) => {
        timeline.push({ contactId, subject: entry.subject, actor, engages });
      },
    });
  });

  it('a hard bounce lists the address and writes suppression.added with message.bounced, in one record', async () => {
    await apply(hardBounce);
    expect((await fake.repository.get(tenantId, sentLog.id))?.status).toBe('bounced');
    expect(fake.suppressions).toEqual([
      {
        channel: 'email',
        address: 'ana@example.com',
        reason: 'hard-bounce',
        messageId: sentLog.id,
        createdBy: 'ses',
        createdAt: hardBounce.at,
      },
    ]);
    expect(fake.events.map((e) => [e.type, e.data])).toEqual([
      ['message.bounced', { messageId: sentLog.id, contactId: sentLog.contactId, channel: 'email', bounceType: 'permanent' }],
      ['suppression.added', { channel: 'email', address: 'ana@example.com', reason: 'hard-bounce', messageId: sentLog.id }],
    ]);
    expect(timeline).toEqual([
      { contactId: sentLog.contactId, subject: 'Email bounced (permanent): News', actor: { type: 'system', id: 'ses' }, engages: false },
    ]);
  });

  it('records a redelivered event once: no second suppression, event or timeline entry', async () => {
    await apply(hardBounce);
    await apply(hardBounce);
    expect(fake.suppressions).toHaveLength(1);
    expect(fake.events).toHaveLength(2);
    expect(timeline).toHaveLength(1);
  });

  it('a transient bounce or a delivery lists nothing and writes no suppression event', async () => {
    await apply(feedback({ kind: 'delivered' }));
    await apply(feedback({ kind: 'bounced', bounceType: 'transient', key: 'bounced#t', recipients: ['ana@example.com'] }));
    expect(fake.suppressions).toEqual([]);
    expect(fake.events.map((e) => e.type)).toEqual(['message.delivered', 'message.bounced']);
  });

  it('reads the log again when it moved between the read and the write', async () => {
    fake.interfere(tenantId, sentLog.id, { status: 'delivered' });
    await apply(hardBounce);
    expect((await fake.repository.get(tenantId, sentLog.id))?.status).toBe('bounced');
    expect(fake.events.map((e) => e.type)).toEqual(['message.bounced', 'suppression.added']);
    expect(timeline).toHaveLength(1);
  });

  it('a click engages the contact, the first one only goes on the timeline', async () => {
    const click = (at: string) => feedback({ kind: 'clicked', at, key: `clicked#${at}`, link: 'https://shop.example/sale' });
    await apply(click('2026-03-02T11:00:00.000Z'));
    await apply(click('2026-03-02T12:00:00.000Z'));
    expect(timeline).toEqual([
      { contactId: sentLog.contactId, subject: 'Link clicked in: News', actor: { type: 'system', id: 'ses' }, engages: true },
    ]);
    expect((await fake.repository.get(tenantId, sentLog.id))?.clickedAt).toBe('2026-03-02T11:00:00.000Z');
  });
});
