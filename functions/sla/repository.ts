import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/db/client.ts';
import { isConditionFailed } from '../../shared/db/errors.ts';
import type { Page, PageRequest } from '../../shared/db/query.ts';
import { getItem, queryPage, queryPages, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { atVersion, labelled, put, putNew, remove, type TransactItem, transact, WriteConflict } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { calendarItem, defaultCalendarItem, policyItem, policyOrderItem, slaEntities, slaKeys, ticketStateItem } from './items.ts';
import type { SlaState } from './lifecycle.ts';
import type { Calendar, Policy, PolicyOrder } from './schemas.ts';

/** What a failed write collided with: the labels of its transaction's conditions. */
export type SlaConflict = 'EXISTS' | 'VERSION' | 'ORDER';

/** Everything matching a ticket needs, from one Query of the policy partition. */
export interface PolicySet {
  policies: Policy[];
  order?: PolicyOrder;
  defaultCalendarId?: string;
}

/** How a write changes the tenant's default calendar. */
export type DefaultChange = { set: string } | { clear: true } | undefined;

/** A change of the policy order written with a policy change: the order as read (its version is the condition) and after. */
export interface OrderChange {
  before?: PolicyOrder;
  after: PolicyOrder;
}

/** The only DynamoDB access of calendars, policies and ticket SLA state. Conflicts throw WriteConflict<SlaConflict>. */
export interface SlaRepository {
  getCalendar(tenantId: string, id: string): Promise<Calendar | undefined>;
  listCalendars(tenantId: string, page: PageRequest): Promise<Page<Calendar>>;
  /** The id of the tenant's default calendar, if one is set (one GetItem). */
  defaultCalendarId(tenantId: string): Promise<string | undefined>;
  /** Creates (no `before`: EXISTS) or replaces at `before`'s version (VERSION). */
  saveCalendar(
    tenantId: string,
    before: Calendar | undefined,
    after: Calendar,
    defaultChange: DefaultChange,
    events: DomainEvent[],
  ): Promise<void>;
  deleteCalendar(tenantId: string, calendar: Calendar, defaultChange: DefaultChange, events: DomainEvent[]): Promise<void>;

  policySet(tenantId: string): Promise<PolicySet>;
  getPolicy(tenantId: string, id: string): Promise<Policy | undefined>;
  /** The order is written at its version (ORDER) when given. */
  savePolicy(
    tenantId: string,
    before: Policy | undefined,
    after: Policy,
    order: OrderChange | undefined,
    events: DomainEvent[],
  ): Promise<void>;
  deletePolicy(tenantId: string, policy: Policy, order: OrderChange, events: DomainEvent[]): Promise<void>;
  saveOrder(tenantId: string, order: OrderChange, events: DomainEvent[]): Promise<void>;

  getState(tenantId: string, ticketId: string): Promise<SlaState | undefined>;
  /** Writes the state at `beforeVersion` (0: new, EXISTS; else VERSION), with its events in the same transaction. */
  saveState(tenantId: string, beforeVersion: number, state: SlaState, events: DomainEvent[]): Promise<void>;
  /** Claims an escalation step of a ticket: false when it was claimed before. */
  claimStep(tenantId: string, ticketId: string, step: string): Promise<boolean>;
  /** Gives a claimed step back (its action failed, a retry runs it). */
  releaseStep(tenantId: string, ticketId: string, step: string): Promise<void>;
}

const defaultWrite = (tenantId: string, change: DefaultChange): TransactItem[] => {
  if (!change) return [];
  if ('set' in change) return [put(defaultCalendarItem(tenantId, change.set))];
  return [remove(slaKeys.defaultCalendar(tenantId))];
};

const orderWrite = (tenantId: string, order: OrderChange): TransactItem =>
  order.before
    ? put(policyOrderItem(tenantId, order.after), '#v = :v', { '#v': 'version' }, { ':v': order.before.version })
    : putNew(policyOrderItem(tenantId, order.after));

const versioned = <T extends { version: number }>(item: Record<string, unknown>, before: T | undefined) =>
  before ? labelled('VERSION', put(item, '#v = :v', { '#v': 'version' }, { ':v': before.version })) : labelled('EXISTS', putNew(item));

export const slaRepository: SlaRepository = {
  async getCalendar(tenantId, id) {
    const item = await getItem(slaKeys.calendar(tenantId, id), true);
    return item && stripKeys<Calendar>(item);
  },

  async listCalendars(tenantId, page) {
    const partition = slaKeys.calendarPartition(tenantId);
    const out = await queryPage(
      {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :c)',
        ExpressionAttributeValues: { ':pk': partition, ':c': slaKeys.calendarPrefix },
      },
      { ...page, scope: partition },
    );
    return { items: out.items.map((i) => stripKeys<Calendar>(i)), nextCursor: out.nextCursor };
  },

  async defaultCalendarId(tenantId) {
    const item = await getItem(slaKeys.defaultCalendar(tenantId), true);
    return item ? String(item.calendarId) : undefined;
  },

  saveCalendar: (tenantId, before, after, defaultChange, events) =>
    transact<SlaConflict>(
      [versioned(calendarItem(tenantId, after), before), ...defaultWrite(tenantId, defaultChange).map((i) => labelled('VERSION', i))],
      events,
    ),

  deleteCalendar: (tenantId, calendar, defaultChange, events) =>
    transact<SlaConflict>(
      [
        labelled('VERSION', remove(slaKeys.calendar(tenantId, calendar.id), ...atVersion(calendar.version))),
        ...defaultWrite(tenantId, defaultChange).map((i) => labelled('VERSION', i)),
      ],
      events,
    ),

  async policySet(tenantId) {
    const set: PolicySet = { policies: [] };
    for await (const items of queryPages({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': slaKeys.policyPartition(tenantId) },
      ConsistentRead: true,
    }))
      for (const item of items) {
        if (item.entity === slaEntities.policy) set.policies.push(stripKeys<Policy>(item));
        else if (item.entity === slaEntities.policyOrder) set.order = stripKeys<PolicyOrder>(item);
        else if (item.entity === slaEntities.defaultCalendar) set.defaultCalendarId = String(item.calendarId);
      }
    return set;
  },

  async getPolicy(tenantId, id) {
    const item = await getItem(slaKeys.policy(tenantId, id), true);
    return item && stripKeys<Policy>(item);
  },

  savePolicy: (tenantId, before, after, order, events) =>
    transact<SlaConflict>(
      [versioned(policyItem(tenantId, after), before), ...(order ? [labelled('ORDER', orderWrite(tenantId, order))] : [])],
      events,
    ),

  deletePolicy: (tenantId, policy, order, events) =>
    transact<SlaConflict>(
      [
        labelled('VERSION', remove(slaKeys.policy(tenantId, policy.id), ...atVersion(policy.version))),
        labelled('ORDER', orderWrite(tenantId, order)),
      ],
      events,
    ),

  saveOrder: (tenantId, order, events) => transact<SlaConflict>([labelled('ORDER', orderWrite(tenantId, order))], events),

  async getState(tenantId, ticketId) {
    const item = await getItem(slaKeys.ticket(tenantId, ticketId), true);
    return item && stripKeys<SlaState>(item);
  },

  async saveState(tenantId, beforeVersion, state, events) {
    const item = ticketStateItem(tenantId, state);
    const reason: SlaConflict = beforeVersion === 0 ? 'EXISTS' : 'VERSION';
    if (events.length) {
      await transact<SlaConflict>(
        [labelled(reason, beforeVersion === 0 ? putNew(item) : put(item, '#v = :v', { '#v': 'version' }, { ':v': beforeVersion }))],
        events,
      );
      return;
    }
    // No event: one conditional Put instead of a transaction (half the write units).
    try {
      await db().send(
        new PutCommand({
          TableName: tableNameFromEnv(),
          Item: item,
          ...(beforeVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : {
                ConditionExpression: '#v = :v',
                ExpressionAttributeNames: { '#v': 'version' },
                ExpressionAttributeValues: { ':v': beforeVersion },
              }),
        }),
      );
    } catch (error) {
      if (isConditionFailed(error)) throw new WriteConflict<SlaConflict>(reason, [reason], { cause: error });
      throw error;
    }
  },

  async claimStep(tenantId, ticketId, step) {
    try {
      await db().send(
        new PutCommand({
          TableName: tableNameFromEnv(),
          Item: { ...slaKeys.escalation(tenantId, ticketId, step), entity: slaEntities.escalation, ticketId, step },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  },

  async releaseStep(tenantId, ticketId, step) {
    await db().send(new DeleteCommand({ TableName: tableNameFromEnv(), Key: slaKeys.escalation(tenantId, ticketId, step) }));
  },
};
