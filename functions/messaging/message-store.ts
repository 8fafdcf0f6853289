import { getItem, queryPage, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { putNew, type TransactItem, TransactionConflict, writeWithEvents } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { messagingEntities, messagingKeys } from './items.ts';
import type { CapCounter } from './policy.ts';
import type { MessageLog, MessageStatus, Purpose } from './schemas.ts';

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

const guardItem = (tenantId: string, log: MessageLog) => ({
  ...messagingKeys.messageDedupe(tenantId, log.dedupeKey),
  entity: messagingEntities.messageDedupe,
  messageId: log.id,
});

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
const attempt = async (items: TransactItem[], events: DomainEvent[]): Promise<number | undefined> => {
  try {
    await writeWithEvents(items, events);
    return undefined;
  } catch (error) {
    if (error instanceof TransactionConflict) return error.failed[0] ?? 0;
    throw error;
  }
};

export const messageStore = {
  async get(tenantId: string, messageId: string): Promise<MessageLog | undefined> {
    const item = await getItem(messagingKeys.message(tenantId, messageId), true);
    return item && stripKeys<MessageLog>(item);
  },

  async byDedupeKey(tenantId: string, dedupeKey: string): Promise<MessageLog | undefined> {
    const guard = await getItem(messagingKeys.messageDedupe(tenantId, dedupeKey), true);
    return guard ? this.get(tenantId, String(guard.messageId)) : undefined;
  },

  async create(tenantId: string, log: MessageLog, caps: CapCounter[], events: DomainEvent[]): Promise<CreateResult> {
    const now = Date.parse(log.createdAt);
    const counts = caps.map((c) => countItem(tenantId, log.contactId, log.purpose, c, now));
    const failed = await attempt([putNew(guardItem(tenantId, log)), putNew(logItem(tenantId, log)), ...counts], events);
    if (failed === undefined) return 'created';
    return failed <= 1 ? 'duplicate' : 'capped';
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
    const counts = caps.map((c) => countItem(tenantId, log.contactId, log.purpose, c, now));
    const failed = await attempt([logUpdate(tenantId, log.id, expected, change), ...counts], events);
    if (failed === undefined) return 'moved';
    return failed === 0 ? 'stale' : 'capped';
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
    extra: TransactItem[],
    events: DomainEvent[],
    expiresAt: number,
  ): Promise<RecordResult> {
    const guard = putNew({ ...messagingKeys.messageEvent(tenantId, log.id, eventKey), entity: messagingEntities.messageEvent, expiresAt });
    const failed = await attempt([guard, logUpdate(tenantId, log.id, { status: log.status }, change), ...extra], events);
    if (failed === undefined) return 'recorded';
    return failed === 0 ? 'duplicate' : 'stale';
  },

  /** A contact's messages, newest first. */
  async listByContact(tenantId: string, contactId: string, limit: number, cursor?: string) {
    const partition = messagingKeys.contactMessagePartition(tenantId, contactId);
    const page = await queryPage(
      {
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
      },
      { limit, cursor, scope: partition },
    );
    return { items: page.items.map((i) => stripKeys<MessageLog>(i)), nextCursor: page.nextCursor };
  },
} satisfies MessageStore & Record<string, unknown>;
