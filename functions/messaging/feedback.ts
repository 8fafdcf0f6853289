import { systemActor } from '../../shared/domain/actor.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import { logger } from '../../shared/logger.ts';
import { clock } from '../../shared/ports/clock.ts';
import { retry } from '../../shared/retry.ts';
import { type ActivitiesApi, activitiesApi } from '../activities/api.ts';
import { messageRef } from './message-ref.ts';
import { claimLeaseMs, type LogChange, type MessageRepository, messageStore } from './message-store.ts';
import type { MessageLog, MessageStatus, Suppression } from './schemas.ts';
import type { Feedback } from './ses-events.ts';
import { suppressionAdded } from './suppression-store.ts';

/** Event guards outlive any redelivery (EventBridge retries for at most a day), then expire. */
const guardRetentionSeconds = 90 * 24 * 3600;
const maxAttempts = 5;

/** The log changed between its read and the write: read it again. */
class LogMoved extends Error {}

/** Which statuses each kind of feedback may move a message from; opens and clicks never change the status. */
const statusMoves: Partial<Record<Feedback['kind'], { to: MessageStatus; from: MessageStatus[] }>> = {
  delivered: { to: 'delivered', from: ['sent'] },
  bounced: { to: 'bounced', from: ['sent', 'delivered'] },
  complained: { to: 'complained', from: ['sent', 'delivered', 'bounced'] },
};

const changeFor = (f: Feedback, log: MessageLog): LogChange => {
  const move = statusMoves[f.kind];
  const status = move?.from.includes(log.status) ? move.to : undefined;
  const set: Partial<MessageLog> = { status, updatedAt: clock().now().toISOString() };
  switch (f.kind) {
    case 'delivered':
      return { set, setIfMissing: { deliveredAt: f.at } };
    case 'bounced':
      return { set: { ...set, bouncedAt: f.at, bounceType: f.bounceType } };
    case 'complained':
      return { set: { ...set, complainedAt: f.at } };
    case 'opened':
      return { set, setIfMissing: { openedAt: f.at } };
    case 'clicked':
      return { set, setIfMissing: { clickedAt: f.at } };
  }
};

const eventFor = (f: Feedback, log: MessageLog): DomainEvent => {
  const ref = messageRef(log);
  switch (f.kind) {
    case 'delivered':
      return domainEvent(f.tenantId, 'message.delivered', ref);
    case 'bounced':
      return domainEvent(f.tenantId, 'message.bounced', { ...ref, bounceType: f.bounceType ?? 'undetermined' });
    case 'complained':
      return domainEvent(f.tenantId, 'message.complained', ref);
    case 'opened':
      return domainEvent(f.tenantId, 'message.opened', ref);
    case 'clicked':
      return domainEvent(f.tenantId, 'message.clicked', { ...ref, link: f.link ?? '' });
  }
};

/** A hard bounce or a complaint takes the address off every future send at once. */
const suppressionsFor = (f: Feedback, log: MessageLog): Suppression[] => {
  const reason = f.kind === 'complained' ? 'complaint' : f.kind === 'bounced' && f.bounceType === 'permanent' ? 'hard-bounce' : undefined;
  if (!reason || log.channel !== 'email') return [];
  const addresses = new Set(f.recipients.length ? f.recipients : log.to ? [log.to] : []);
  return [...addresses].map((address) => ({ channel: 'email', address, reason, messageId: log.id, createdBy: 'ses', createdAt: f.at }));
};

/** What the contact's timeline shows: bounces, complaints, the first open and the first click (not every delivery). */
const timelineSubject = (f: Feedback, log: MessageLog): string | undefined => {
  const about = log.subject ?? 'email';
  if (f.kind === 'bounced') return `Email bounced (${f.bounceType}): ${about}`;
  if (f.kind === 'complained') return `Marked as spam: ${about}`;
  if (f.kind === 'opened' && !log.openedAt) return `Email opened: ${about}`;
  if (f.kind === 'clicked' && !log.clickedAt) return `Link clicked in: ${about}`;
  return undefined;
};

/** What applying feedback reads and writes, so its rules run against fakes in unit tests. */
export interface FeedbackDeps {
  messages: Pick<MessageRepository, 'get' | 'record'>;
  timeline(input: Parameters<ActivitiesApi['record']>[0]): Promise<unknown>;
}

const recordOnTimeline = async (deps: FeedbackDeps, f: Feedback, log: MessageLog) => {
  const subject = timelineSubject(f, log);
  if (!subject) return;
  const metadata: Record<string, string> = { messageId: log.id, event: f.kind, ...(f.link ? { link: f.link.slice(0, 2000) } : {}) };
  try {
    await deps.timeline({
      tenantId: f.tenantId,
      contactId: log.contactId,
      entry: { type: 'message', channel: 'email', direction: 'outbound', occurredAt: f.at, subject: subject.slice(0, 300), metadata },
      actor: systemActor('ses'),
      engages: f.kind === 'clicked',
    });
  } catch (error) {
    logger.warn('SES event not recorded on the timeline', { messageId: log.id, error: error as Error });
  }
};

/**
 * Applies one SES event to its message: log status, suppression and the
 * message.* event (with suppression.added for each address it lists) in one
 * transaction guarded by the event's key, so a duplicate delivery changes
 * nothing; then the timeline entry (at most once: lost if the process dies
 * right after the transaction). A log that moved meanwhile is read again.
 */
export const feedbackApplier =
  (deps: FeedbackDeps) =>
  (f: Feedback): Promise<void> =>
    retry(
      async () => {
        const log = await deps.messages.get(f.tenantId, f.messageId);
        if (!log) {
          logger.warn('SES event for an unknown message', { tenantId: f.tenantId, messageId: f.messageId, kind: f.kind });
          return;
        }
        // The sender has not yet marked it sent: let EventBridge redeliver rather than race the claim.
        if (log.status === 'claimed' && clock().now().getTime() - Date.parse(log.claimedAt!) < claimLeaseMs)
          throw new Error(`message ${log.id} is still being sent`);
        const expiresAt = Math.floor(clock().now().getTime() / 1000) + guardRetentionSeconds;
        const suppressions = suppressionsFor(f, log);
        const events = [eventFor(f, log), ...suppressions.map((s) => suppressionAdded(f.tenantId, s))];
        const result = await deps.messages.record(f.tenantId, log, f.key, changeFor(f, log), suppressions, events, expiresAt);
        if (result === 'recorded') await recordOnTimeline(deps, f, log);
        if (result === 'stale') throw new LogMoved(`message ${log.id} kept changing while recording ${f.kind}`);
      },
      { attempts: maxAttempts, retryOn: (error) => error instanceof LogMoved },
    );

export const applyFeedback = feedbackApplier({ messages: messageStore, timeline: (input) => activitiesApi.record(input) });
