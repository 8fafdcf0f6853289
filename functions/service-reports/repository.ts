import { createHash } from 'node:crypto';
import { getItem, queryPages, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { labelled, put, putNew, type TransactItem, transact } from '../../shared/db/transact.ts';
import { appliedMarkerDays, type CounterLevel, counterShards, serviceReportEntities, serviceReportKeys } from './items.ts';
import type { CounterChange, Counters, TicketState } from './rules.ts';

/** What a failed write collided with: STATE (the ticket's state moved on), APPLIED (the event was applied already). */
export type ServiceReportConflict = 'STATE' | 'APPLIED';

/** One event applied: the ticket's state (when it changed), the event's marker and the counter changes, in one transaction. */
export interface CounterWrite {
  eventId: string;
  ticket?: { before?: TicketState; after: TicketState };
  changes: CounterChange[];
  /** Teams to list in the tenant's team index (a ticket counted under a team it had not been under before). */
  teams: string[];
}

/** The counter items of one scope a report reads. */
export interface ScopeRead {
  /** Day items from the first day of `from`'s month to `to`, by day. */
  days: Map<string, Counters>;
  /** Month items of `from`'s year before its month, and year items before its year. */
  earlier: Counters[];
}

/** The only DynamoDB access of service reports. Conflicts throw WriteConflict<ServiceReportConflict>. */
export interface ServiceReportRepository {
  ticketState(tenantId: string, ticketId: string): Promise<TicketState | undefined>;
  /** STATE when the ticket's state is no longer `before` (its rev), APPLIED when the event's marker exists. */
  apply(tenantId: string, write: CounterWrite): Promise<void>;
  /** A scope's counters for a range of days (`*` or a team): three Queries of its partition. */
  readScope(tenantId: string, scope: string, from: string, to: string): Promise<ScopeRead>;
  /** The teams the tenant's counters know, sorted. */
  teams(tenantId: string): Promise<string[]>;
}

/** The counter shard a write goes to: by ticket (by event for a survey answer), stable across redeliveries. */
export const shardOf = (key: string) => createHash('sha256').update(key).digest()[0]! % counterShards;

const counterUpdate = (tenantId: string, shard: number, { scope, level, period, add }: CounterChange): TransactItem => {
  const names: Record<string, string> = { '#entity': 'entity', '#scope': 'scope', '#period': 'period' };
  const values: Record<string, unknown> = { ':entity': serviceReportEntities.counter, ':scope': scope, ':period': period };
  const adds = Object.entries(add).map(([f, v], i) => {
    names[`#n${i}`] = f;
    values[`:n${i}`] = v;
    return `#n${i} :n${i}`;
  });
  return {
    Update: {
      TableName: tableNameFromEnv(),
      Key: serviceReportKeys.counter(tenantId, scope, level, period, shard),
      UpdateExpression: `SET #entity = :entity, #scope = :scope, #period = :period ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

const counterFields = (item: Record<string, unknown>): Counters => {
  const { scope: _s, period: _p, ...rest } = stripKeys<Record<string, unknown>>(item);
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => typeof v === 'number')) as Counters;
};

const between = async (tenantId: string, scope: string, level: CounterLevel, first: string, last: string) => {
  const out = new Map<string, Counters>();
  if (first > last) return out;
  const [a, b] = serviceReportKeys.counterRange(level, first, last);
  for await (const items of queryPages({
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':pk': serviceReportKeys.counterPartition(tenantId, scope), ':a': a, ':b': b },
  }))
    for (const item of items) {
      // The shards of a period add up.
      const period = String(item.period);
      const sum = out.get(period) ?? {};
      for (const [f, v] of Object.entries(counterFields(item))) sum[f] = (sum[f] ?? 0) + v;
      out.set(period, sum);
    }
  return out;
};

const previousMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? undefined : `${y}-${String(m - 1).padStart(2, '0')}`;
};

export const serviceReportRepository: ServiceReportRepository = {
  async ticketState(tenantId, ticketId) {
    const item = await getItem(serviceReportKeys.ticketState(tenantId, ticketId), true);
    return item && stripKeys<TicketState>(item);
  },

  async apply(tenantId, { eventId, ticket, changes, teams }) {
    const expiresAt = Math.floor(Date.now() / 1000) + appliedMarkerDays * 86_400;
    const shard = shardOf(ticket?.after.ticketId ?? eventId);
    const state =
      ticket &&
      ({
        ...serviceReportKeys.ticketState(tenantId, ticket.after.ticketId),
        entity: serviceReportEntities.ticketState,
        ...ticket.after,
      } as const);
    await transact<ServiceReportConflict>([
      ...(ticket && state
        ? [
            ticket.before
              ? labelled<ServiceReportConflict>('STATE', put(state, '#r = :r', { '#r': 'rev' }, { ':r': ticket.before.rev }))
              : labelled<ServiceReportConflict>('STATE', putNew(state)),
          ]
        : []),
      labelled('APPLIED', putNew({ ...serviceReportKeys.applied(tenantId, eventId), entity: serviceReportEntities.applied, expiresAt })),
      ...changes.map((c) => labelled<ServiceReportConflict>('STATE', counterUpdate(tenantId, shard, c))),
      ...teams.map((teamId) =>
        labelled<ServiceReportConflict>(
          'STATE',
          put({ ...serviceReportKeys.team(tenantId, teamId), entity: serviceReportEntities.team, teamId }),
        ),
      ),
    ]);
  },

  async readScope(tenantId, scope, from, to) {
    const year = from.slice(0, 4);
    const month = from.slice(0, 7);
    const before = previousMonth(month);
    const [days, months, years] = await Promise.all([
      between(tenantId, scope, 'D', `${month}-01`, to),
      before ? between(tenantId, scope, 'M', `${year}-01`, before) : Promise.resolve(new Map<string, Counters>()),
      between(tenantId, scope, 'Y', '0000', String(Number(year) - 1).padStart(4, '0')),
    ]);
    return { days, earlier: [...months.values(), ...years.values()] };
  },

  async teams(tenantId) {
    const out: string[] = [];
    for await (const items of queryPages({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': serviceReportKeys.teamsPartition(tenantId) },
    }))
      out.push(...items.map((i) => String(i.teamId)));
    return out.sort();
  },
};
