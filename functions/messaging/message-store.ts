import { dedupeGuard } from '../../shared/db/dedupe-guard.ts';
import { getItem, listPage, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { isWriteConflict, type Labelled, labelled, putNew, type TransactItem, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { messagingEntities, messagingKeys } from './items.ts';
import type { CapCounter } from './policy.ts';
import type { MessageLog, MessageStatus, Purpose, Suppression } from './schemas.ts';
import { suppressionPut } from './suppression-store.ts';

/** What a log item must still look like for a change to apply. */
export interface Expected {
  status: MessageStatus;
  /** For a take-over of a stale claim: the claim time that was seen. */
  claimedAt?: string;
}

export interface LogChange {
  set?: Partial<MessageLog>;
  /** Set only if the attribute has no value yet (first open, first click). */
  setIfMissing?: Partial<MessageLog>;
  remove?: (keyof MessageLog)[];
}

export type CreateResult = 'created' | 'duplicate' | 'capped';
export type MoveResult = 'moved' | 'stale' | 'capped';
export type RecordResult = 'recorded' | 'duplicate' | 'stale';

/** The message log as the sender and the SES feedback use it; a fake implements it in unit tests. */
export interface MessageStore {
  byDedupeKey(tenantId: string, dedupeKey: string): Promise<MessageLog | undefined>;
  get(tenantId: string, messageId: string): Promise<MessageLog | undefined>;
  /** A new log item with its dedupe guard, counted against `caps`, with its events: all or nothing. */
  create(tenantId: string, log: MessageLog, caps: CapCounter[], events: DomainEvent[]): Promise<CreateResult>;
  /** Changes a log item still as `expected`, counted against `caps`, with its events: all or nothing. */
  move(
    tenantId: string,
    log: MessageLog,
    expected: Expected,
    change: LogChange,
    caps: CapCounter[],
    events: DomainEvent[],
  ): Promise<MoveResult>;
}

/** The whole message log: what the sender uses, plus SES feedback and the contact's message list. */
export interface MessageRepository extends MessageStore {
  /**
   * A provider event applied once: its guard, the log change, the suppressions
   * it lists and its events in one transaction. 'duplicate' when the event was
   * recorded before, 'stale' when the log moved since it was read.
   */
  record(
    tenantId: string,
    log: MessageLog,
    eventKey: string,
    change: LogChange,
    suppressions: Suppression[],
    events: DomainEvent[],
    expiresAt: number,
  ): Promise<RecordResult>;
  /** A contact's messages, newest first. */
  listByContact(tenantId: string, contactId: string, limit: number, cursor?: string): Promise<{ items: MessageLog[]; nextCursor?: string }>;
}

/** A claim older than this belongs to a process that died: no function runs longer (Lambda stops at 15 minutes). */
export const claimLeaseMs = 15 * 60_000;

/** Counters outlive their day or ISO week, then DynamoDB's TTL removes them. */
const counterLifetimeSeconds = 9 * 24 * 3600;

const logItem = (tenantId: string, log: MessageLog) => ({
  ...messagingKeys.message(tenantId, log.id),
  ...messagingKeys.contactMessage(tenantId, log.contactId, log.id),
  entity: messagingEntities.message,
  ...log,
});

/** Names the message a dedupe key claimed (`messageId`), written in the claim's transaction. */
const dedupe = dedupeGuard(messagingEntities.messageDedupe, 'messageId');

/** What each item of a message transaction stands for when its condition fails. */
type Reason = 'DEDUPE' | 'LOG' | 'STATUS' | 'CAP' | 'EVENT' | 'SUPPRESSION';

/** One more message in a bucket, refused once the bucket is at its limit. */
const countItem = (tenantId: string, contactId: string, purpose: Purpose, cap: CapCounter, now: number): TransactItem => ({
  Update: {
    TableName: tableNameFromEnv(),
    Key: messagingKeys.pressure(tenantId, contactId, purpose, cap.bucket),
    UpdateExpression: 'SET entity = :entity, expiresAt = if_not_exists(expiresAt, :expires) ADD #count :one',
    ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
    ExpressionAttributeNames: { '#count': 'count' },
    ExpressionAttributeValues: {
      ':entity': messagingEntities.pressure,
      ':expires': Math.floor(now / 1000) + counterLifetimeSeconds,
      ':one': 1,
      ':limit': cap.limit,
    },
  },
});

/** An UpdateItem on the log item, applied only while it is still as `expected`. */
const logUpdate = (tenantId: string, messageId: string, expected: Expected, change: LogChange): TransactItem => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':expected': expected.status };
  const sets: string[] = [];
  let n = 0;
  const assign = (field: string, value: unknown, ifMissing: boolean) => {
    if (value === undefined) return;
    const [name, ref] = [`#f${n}`, `:v${n++}`];
    names[name] = field;
    values[ref] = value;
    sets.push(ifMissing ? `${name} = if_not_exists(${name}, ${ref})` : `${name} = ${ref}`);
  };
  for (const [field, value] of Object.entries(change.set ?? {})) assign(field, value, false);
  for (const [field, value] of Object.entries(change.setIfMissing ?? {})) assign(field, value, true);
  const removes = (change.remove ?? []).map((field) => {
    const name = `#f${n++}`;
    names[name] = field;
    return name;
  });
  let condition = '#status = :expected';
  if (expected.claimedAt) {
    names['#claimedAt'] = 'claimedAt';
    values[':claimedAt'] = expected.claimedAt;
    condition += ' AND #claimedAt = :claimedAt';
  }
  return {
    Update: {
      TableName: tableNameFromEnv(),
      Key: messagingKeys.message(tenantId, messageId),
      UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
        .join(' ')
        .trim(),
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/** Runs a transaction and names the first item whose condition failed, or undefined when it went through. */
const attempt = async (items: Labelled<Reason>[], events: DomainEvent[]): Promise<Reason | undefined> => {
  try {
    await transact(items, events);
    return undefined;
  } catch (error) {
    if (isWriteConflict(error)) return error.reason as Reason;
    throw error;
  }
};

export const messageStore = {
  async get(tenantId: string, messageId: string): Promise<MessageLog | undefined> {
    const item = await getItem(messagingKeys.message(tenantId, messageId), true);
    return item && stripKeys<MessageLog>(item);
  },

  async byDedupeKey(tenantId: string, dedupeKey: string): Promise<MessageLog | undefined> {
    const messageId = await dedupe.createdBy(messagingKeys.messageDedupe(tenantId, dedupeKey));
    return messageId ? this.get(tenantId, messageId) : undefined;
  },

  async create(tenantId: string, log: MessageLog, caps: CapCounter[], events: DomainEvent[]): Promise<CreateResult> {
    const now = Date.parse(log.createdAt);
    const counts = caps.map((c) => labelled('CAP', countItem(tenantId, log.contactId, log.purpose, c, now)));
    const guard = dedupe.claim(messagingKeys.messageDedupe(tenantId, log.dedupeKey), log.id);
    const failed = await attempt([guard, labelled('LOG', putNew(logItem(tenantId, log))), ...counts], events);
    if (failed === undefined) return 'created';
    return failed === 'CAP' ? 'capped' : 'duplicate';
  },

  async move(
    tenantId: string,
    log: MessageLog,
    expected: Expected,
    change: LogChange,
    caps: CapCounter[],
    events: DomainEvent[],
  ): Promise<MoveResult> {
    const now = Date.parse(change.set?.updatedAt ?? log.updatedAt);
    const counts = caps.map((c) => labelled('CAP', countItem(tenantId, log.contactId, log.purpose, c, now)));
    const failed = await attempt([labelled('STATUS', logUpdate(tenantId, log.id, expected, change)), ...counts], events);
    if (failed === undefined) return 'moved';
    return failed === 'CAP' ? 'capped' : 'stale';
  },

  /**
   * A provider event (SES delivery, bounce, open…) applied once: its guard,
   * the log change, any extra items (a suppression) and its domain events in
   * one transaction. 'duplicate' when the event was recorded before, 'stale'
   * when the log moved since it was read (read again and retry).
   */
  async record(
    tenantId: string,
    log: MessageLog,
    eventKey: string,
    change: LogChange,
    suppressions: Suppression[],
    events: DomainEvent[],
    expiresAt: number,
  ): Promise<RecordResult> {
    const guard = putNew({ ...messagingKeys.messageEvent(tenantId, log.id, eventKey), entity: messagingEntities.messageEvent, expiresAt });
    const failed = await attempt(
      [
        labelled('EVENT', guard),
        labelled('STATUS', logUpdate(tenantId, log.id, { status: log.status }, change)),
        ...suppressions.map((s) => labelled('SUPPRESSION', suppressionPut(tenantId, s))),
      ],
      events,
    );
    if (failed === undefined) return 'recorded';
    return failed === 'EVENT' ? 'duplicate' : 'stale';
  },

  /** A contact's messages, newest first. */
  async listByContact(tenantId: string, contactId: string, limit: number, cursor?: string) {
    return listPage<MessageLog>(
      { index: 'GSI1', partition: messagingKeys.contactMessagePartition(tenantId, contactId), newestFirst: true },
      { limit, cursor },
    );
  },
} satisfies MessageRepository;
