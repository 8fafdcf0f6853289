import type { Page } from '../../shared/db/query.ts';
import { getItem, queryPage, queryPages, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { labelled, put, putNew, type TransactItem, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { appliedMarkerDays, forecastEntities, forecastKeys } from './items.ts';
import type { CounterChange, DealState, ForecastCounter, PipelineCounters } from './rules.ts';
import type { Adjustment, Quota, Snapshot } from './schemas.ts';

export type { Page } from '../../shared/db/query.ts';

/** What a failed write collided with: STATE (the deal's state moved on), APPLIED (the event was applied), VERSION, EXISTS. */
export type ForecastConflict = 'STATE' | 'APPLIED' | 'VERSION' | 'EXISTS';

/** One event applied: the deal's new state, its marker and the counter changes, in one transaction. */
export interface DealApply {
  before?: DealState;
  after: DealState;
  eventId: string;
  changes: CounterChange[];
  /** Periods the deal now counts in: the tenant is listed in each (for the weekly snapshot). */
  periods: string[];
}

export interface ManagerWrite<T> {
  before?: T;
  after: T;
}

/** The only DynamoDB access of forecasts and sales reports. Conflicts throw WriteConflict<ForecastConflict>. */
export interface ForecastRepository {
  dealState(tenantId: string, dealId: string): Promise<DealState | undefined>;
  /** STATE when the state is no longer `before` (its rev), APPLIED when the event's marker exists. */
  applyDeal(tenantId: string, write: DealApply): Promise<void>;
  /** A period's counters, adjustments and quotas, of one owner or all: one Query. */
  forecast(
    tenantId: string,
    period: string,
    ownerId?: string,
  ): Promise<{ counters: ForecastCounter[]; adjustments: Adjustment[]; quotas: Quota[] }>;
  /** A pipeline's report counters: one Query. */
  pipelineCounters(tenantId: string, pipelineId: string): Promise<PipelineCounters>;
  getAdjustment(tenantId: string, period: string, ownerId: string): Promise<Adjustment | undefined>;
  getQuota(tenantId: string, period: string, ownerId: string): Promise<Quota | undefined>;
  /** At before's version (VERSION), or new (EXISTS). */
  saveAdjustment(tenantId: string, write: ManagerWrite<Adjustment>, events: DomainEvent[]): Promise<void>;
  saveQuota(tenantId: string, write: ManagerWrite<Quota>, events: DomainEvent[]): Promise<void>;
  /** The tenants with deals closing in a period, a page at a time. */
  periodTenants(period: string): AsyncIterable<string[]>;
  /** EXISTS when the week's snapshot was taken already. */
  saveSnapshot(tenantId: string, snapshot: Snapshot, events: DomainEvent[]): Promise<void>;
  /** The newest snapshot of a period: one Query, newest first, limit 1. */
  latestSnapshot(tenantId: string, period: string): Promise<Snapshot | undefined>;
  /** A period's snapshots, oldest week first. */
  history(tenantId: string, period: string, page: { limit: number; cursor?: string }): Promise<Page<Snapshot>>;
}

const counterUpdate = (tenantId: string, { ref, add }: CounterChange): TransactItem => {
  const { kind, ...attrs } = ref;
  const Key = ref.kind === 'forecast' ? forecastKeys.counter(tenantId, ref) : forecastKeys.stageCounter(tenantId, ref);
  const names: Record<string, string> = { '#entity': 'entity' };
  const values: Record<string, unknown> = {
    ':entity': ref.kind === 'forecast' ? forecastEntities.counter : forecastEntities.stageCounter,
  };
  const sets = ['#entity = :entity'];
  Object.entries({ ...attrs, counter: kind }).forEach(([k, v], i) => {
    names[`#a${i}`] = k;
    values[`:a${i}`] = v;
    sets.push(`#a${i} = :a${i}`);
  });
  const adds = Object.entries(add).map(([k, v], i) => {
    names[`#n${i}`] = k;
    values[`:n${i}`] = v;
    return `#n${i} :n${i}`;
  });
  return {
    Update: {
      TableName: tableNameFromEnv(),
      Key,
      UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

const managerSave =
  <T extends { period: string; ownerId: string; version: number }>(
    key: (tenantId: string, period: string, ownerId: string) => { PK: string; SK: string },
    entity: string,
  ) =>
  (tenantId: string, { before, after }: ManagerWrite<T>, events: DomainEvent[]) => {
    const item = { ...key(tenantId, after.period, after.ownerId), entity, ...after };
    return transact<ForecastConflict>(
      [
        before
          ? labelled('VERSION', put(item, '#v = :v', { '#v': 'version' }, { ':v': before.version }))
          : labelled('EXISTS', putNew(item)),
      ],
      events,
    );
  };

export const forecastRepository: ForecastRepository = {
  async dealState(tenantId, dealId) {
    const item = await getItem(forecastKeys.dealState(tenantId, dealId), true);
    return item && stripKeys<DealState>(item);
  },

  async applyDeal(tenantId, { before, after, eventId, changes, periods }) {
    const state = { ...forecastKeys.dealState(tenantId, after.dealId), entity: forecastEntities.dealState, ...after };
    const expiresAt = Math.floor(Date.now() / 1000) + appliedMarkerDays * 86_400;
    await transact<ForecastConflict>([
      before ? labelled('STATE', put(state, '#r = :r', { '#r': 'rev' }, { ':r': before.rev })) : labelled('STATE', putNew(state)),
      labelled(
        'APPLIED',
        putNew({ ...forecastKeys.applied(tenantId, after.dealId, eventId), entity: forecastEntities.applied, expiresAt }),
      ),
      ...changes.map((c) => labelled('STATE', counterUpdate(tenantId, c))),
      ...periods.map((p) =>
        labelled('STATE', put({ ...forecastKeys.periodTenant(p, tenantId), entity: forecastEntities.periodTenant, tenantId, period: p })),
      ),
    ]);
  },

  async forecast(tenantId, period, ownerId) {
    const out = { counters: [] as ForecastCounter[], adjustments: [] as Adjustment[], quotas: [] as Quota[] };
    for await (const items of queryPages({
      KeyConditionExpression: ownerId ? 'PK = :pk AND begins_with(SK, :o)' : 'PK = :pk',
      ExpressionAttributeValues: {
        ':pk': forecastKeys.forecastPartition(tenantId, period),
        ...(ownerId && { ':o': forecastKeys.ownerPrefix(ownerId) }),
      },
    }))
      for (const item of items) {
        // An owner id that is a prefix of another (ann, ann#2) shares the begins_with: keep the exact owner only.
        if (ownerId && item.ownerId !== ownerId) continue;
        if (item.entity === forecastEntities.counter) out.counters.push(stripKeys<ForecastCounter>(item));
        else if (item.entity === forecastEntities.adjustment) out.adjustments.push(stripKeys<Adjustment>(item));
        else if (item.entity === forecastEntities.quota) out.quotas.push(stripKeys<Quota>(item));
      }
    return out;
  },

  async pipelineCounters(tenantId, pipelineId) {
    const out: PipelineCounters = { stages: [], currencies: [], moves: [] };
    for await (const items of queryPages({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': forecastKeys.reportPartition(tenantId, pipelineId) },
    }))
      for (const item of items) {
        const c = stripKeys<Record<string, unknown>>(item);
        if (c.counter === 'stage') out.stages.push(c as never);
        else if (c.counter === 'stageCurrency') out.currencies.push(c as never);
        else if (c.counter === 'move') out.moves.push(c as never);
      }
    return out;
  },

  async getAdjustment(tenantId, period, ownerId) {
    const item = await getItem(forecastKeys.adjustment(tenantId, period, ownerId), true);
    return item && stripKeys<Adjustment>(item);
  },
  async getQuota(tenantId, period, ownerId) {
    const item = await getItem(forecastKeys.quota(tenantId, period, ownerId), true);
    return item && stripKeys<Quota>(item);
  },
  saveAdjustment: managerSave<Adjustment>(forecastKeys.adjustment, forecastEntities.adjustment),
  saveQuota: managerSave<Quota>(forecastKeys.quota, forecastEntities.quota),

  async *periodTenants(period) {
    for await (const items of queryPages({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': forecastKeys.periodTenantsPartition(period) },
    }))
      yield items.map((i) => String(i.tenantId));
  },

  saveSnapshot: (tenantId, snapshot, events) =>
    transact<ForecastConflict>(
      [
        labelled(
          'EXISTS',
          putNew({ ...forecastKeys.snapshot(tenantId, snapshot.period, snapshot.week), entity: forecastEntities.snapshot, ...snapshot }),
        ),
      ],
      events,
    ),

  async latestSnapshot(tenantId, period) {
    const out = await queryPage(
      {
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': forecastKeys.historyPartition(tenantId, period) },
        ScanIndexForward: false,
      },
      { limit: 1, scope: 'latest' },
    );
    return out.items[0] && stripKeys<Snapshot>(out.items[0]);
  },

  async history(tenantId, period, page) {
    const partition = forecastKeys.historyPartition(tenantId, period);
    const out = await queryPage(
      { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': partition } },
      { ...page, scope: partition },
    );
    return { items: out.items.map((i) => stripKeys<Snapshot>(i)), nextCursor: out.nextCursor };
  },
};
