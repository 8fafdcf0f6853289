import { forecastKeys } from '../../../functions/forecast/items.ts';
import type { ForecastConflict, ForecastRepository } from '../../../functions/forecast/repository.ts';
import type { DealState, ForecastCounter, StageCounter } from '../../../functions/forecast/rules.ts';
import type { Adjustment, Quota, Snapshot } from '../../../functions/forecast/schemas.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';

/** Lets other calls run between a read and a write, as a round trip to DynamoDB does. */
const roundTrip = () => new Promise<void>((resolve) => setImmediate(resolve));
const fail = (reason: ForecastConflict) => {
  throw new WriteConflict(reason, [reason]);
};
const k = (key: { PK: string; SK: string }) => `${key.PK}|${key.SK}`;

/**
 * ForecastRepository in memory, with the DynamoDB one's conditions checked and
 * applied in one step as a transaction does: a deal state whose rev moved on
 * fails with STATE, an event marker already written with APPLIED (in that
 * order, as the items are labelled); counters add up field by field.
 */
export const memoryForecast = () => {
  const states = new Map<string, DealState>();
  const markers = new Set<string>();
  /** Counter items by table key: their attributes and summed fields. */
  const counters = new Map<string, Record<string, unknown>>();
  const manager = new Map<string, Adjustment | Quota>();
  const periodTenants = new Map<string, Set<string>>();
  const snapshots = new Map<string, Snapshot>();
  const events: DomainEvent[] = [];
  let transactions = 0;

  const saveManager =
    <T extends Adjustment | Quota>(key: (t: string, p: string, o: string) => { PK: string; SK: string }) =>
    async (tenantId: string, { before, after }: { before?: T; after: T }, written: DomainEvent[]) => {
      await roundTrip();
      const id = k(key(tenantId, after.period, after.ownerId));
      const stored = manager.get(id);
      if (before ? stored?.version !== before.version : stored) fail(before ? 'VERSION' : 'EXISTS');
      manager.set(id, structuredClone(after));
      events.push(...written);
    };

  const repo: ForecastRepository = {
    async dealState(tenantId, dealId) {
      await roundTrip();
      return structuredClone(states.get(k(forecastKeys.dealState(tenantId, dealId))));
    },
    async applyDeal(tenantId, { before, after, eventId, changes, periods }) {
      await roundTrip();
      const id = k(forecastKeys.dealState(tenantId, after.dealId));
      const stored = states.get(id);
      if (before ? stored?.rev !== before.rev : stored) fail('STATE');
      const marker = k(forecastKeys.applied(tenantId, after.dealId, eventId));
      if (markers.has(marker)) fail('APPLIED');
      if (changes.length + periods.length + 2 > 100) throw new Error('a transaction holds at most 100 items');
      transactions++;
      states.set(id, structuredClone(after));
      markers.add(marker);
      for (const { ref, add } of changes) {
        const key = k(ref.kind === 'forecast' ? forecastKeys.counter(tenantId, ref) : forecastKeys.stageCounter(tenantId, ref));
        const { kind, ...attrs } = ref;
        const item = counters.get(key) ?? {};
        Object.assign(item, attrs, { counter: kind, tenantId });
        for (const [f, v] of Object.entries(add)) item[f] = Number(item[f] ?? 0) + v;
        counters.set(key, item);
      }
      for (const p of periods) periodTenants.set(p, new Set([...(periodTenants.get(p) ?? []), tenantId]));
    },
    async forecast(tenantId, period, ownerId) {
      await roundTrip();
      const partition = `${forecastKeys.forecastPartition(tenantId, period)}|`;
      const rows = [...counters.entries()].filter(([key, c]) => key.startsWith(partition) && (!ownerId || c.ownerId === ownerId));
      const entries = [...manager.entries()].filter(([key, m]) => key.startsWith(partition) && (!ownerId || m.ownerId === ownerId));
      return {
        counters: rows.map(([, c]) => structuredClone(c) as unknown as ForecastCounter),
        adjustments: entries.filter(([key]) => key.endsWith('#ADJ')).map(([, m]) => structuredClone(m) as Adjustment),
        quotas: entries.filter(([key]) => key.endsWith('#Q')).map(([, m]) => structuredClone(m) as Quota),
      };
    },
    async pipelineCounters(tenantId, pipelineId) {
      await roundTrip();
      const partition = `${forecastKeys.reportPartition(tenantId, pipelineId)}|`;
      const rows = [...counters.entries()].filter(([key]) => key.startsWith(partition)).map(([, c]) => structuredClone(c));
      return {
        stages: rows.filter((c) => c.counter === 'stage') as unknown as StageCounter[],
        currencies: rows.filter((c) => c.counter === 'stageCurrency') as never,
        moves: rows.filter((c) => c.counter === 'move') as never,
      };
    },
    getAdjustment: async (tenantId, period, ownerId) =>
      structuredClone(manager.get(k(forecastKeys.adjustment(tenantId, period, ownerId))) as Adjustment | undefined),
    getQuota: async (tenantId, period, ownerId) =>
      structuredClone(manager.get(k(forecastKeys.quota(tenantId, period, ownerId))) as Quota | undefined),
    saveAdjustment: saveManager<Adjustment>(forecastKeys.adjustment),
    saveQuota: saveManager<Quota>(forecastKeys.quota),
    async *periodTenants(period) {
      await roundTrip();
      yield [...(periodTenants.get(period) ?? [])].sort();
    },
    async saveSnapshot(tenantId, snapshot, written) {
      await roundTrip();
      const id = k(forecastKeys.snapshot(tenantId, snapshot.period, snapshot.week));
      if (snapshots.has(id)) fail('EXISTS');
      snapshots.set(id, structuredClone(snapshot));
      events.push(...written);
    },
    async latestSnapshot(tenantId, period) {
      return (await repo.history(tenantId, period, { limit: 1000 })).items.at(-1);
    },
    async history(tenantId, period) {
      await roundTrip();
      const partition = `${forecastKeys.historyPartition(tenantId, period)}|`;
      return {
        items: [...snapshots.entries()]
          .filter(([key]) => key.startsWith(partition))
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([, s]) => structuredClone(s)),
      };
    },
  };

  /** The non-zero counter fields, by readable key, for exact assertions. */
  const nonZero = () =>
    Object.fromEntries(
      [...counters.entries()].flatMap(([key, c]) => {
        const fields = Object.fromEntries(
          Object.entries(c).filter(([f, v]) => typeof v === 'number' && v !== 0 && !['counter'].includes(f)),
        );
        return Object.keys(fields).length ? [[key.replace(/^T#[^#]+#/, ''), fields]] : [];
      }),
    );

  return { repo, states, counters, nonZero, events, transactions: () => transactions };
};
