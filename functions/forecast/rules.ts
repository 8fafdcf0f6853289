import type { Pipeline } from '../deals/api.ts';
import { type ForecastCategory, type ForecastFigures, forecastCategories, type PipelineReport } from './schemas.ts';

type Money = { amount: number; currency: string };

/** What the forecast keeps of a deal: the fields its counters depend on, at the deal's version. */
export interface TrackedDeal {
  version: number;
  pipelineId: string;
  stageId: string;
  status: 'open' | 'won' | 'lost';
  ownerId: string;
  closeDate?: string;
  amount?: Money;
  createdAt: string;
}

/** A stage change of a deal (deal.stage_changed), kept by event id. */
export interface Move {
  pipelineId: string;
  from?: string;
  to: string;
  ms?: number;
}

/**
 * The last state of a deal the counters hold: the deal at its newest version
 * applied, the stages it was seen in and its stage changes. Each event moves
 * the counters from the contribution of the previous state to that of the new
 * one, so a redelivered or late event changes nothing.
 */
export interface DealState {
  dealId: string;
  /** Revision of this item: the write is conditional on it. */
  rev: number;
  deal?: TrackedDeal;
  /** The deal was deleted: it contributes nothing, and no later event brings it back. */
  deleted?: boolean;
  /** `pipelineId#stageId` of every stage the deal was seen in. */
  visited: string[];
  moves: Record<string, Move>;
}

/** A counter item and what to add to its fields. */
export type CounterRef =
  | { kind: 'forecast'; period: string; ownerId: string; pipelineId: string; stageId: string; currency: string }
  | { kind: 'stage'; pipelineId: string; stageId: string }
  | { kind: 'stageCurrency'; pipelineId: string; stageId: string; currency: string }
  | { kind: 'move'; pipelineId: string; stageId: string; toStage: string };
export interface CounterChange {
  ref: CounterRef;
  add: Record<string, number>;
}

/** Currency bucket of a deal without an amount: it counts as a deal, with no money. */
export const noCurrency = '-';

const refId = (r: CounterRef) => JSON.stringify(r);

/** The periods a close date falls in: its quarter and its month. */
export const periodsOf = (closeDate: string): string[] => {
  const [year, month] = closeDate.split('-') as [string, string];
  return [`${year}-Q${Math.ceil(Number(month) / 3)}`, `${year}-${month}`];
};

/** First and last day of a period (2026-Q4 → 2026-10-01..2026-12-31). */
export const periodRange = (period: string) => {
  const [year, part] = period.split('-') as [string, string];
  const [first, last] = part.startsWith('Q') ? [Number(part[1]) * 3 - 2, Number(part[1]) * 3] : [Number(part), Number(part)];
  const end = new Date(Date.UTC(Number(year), last, 0));
  return { from: `${year}-${String(first).padStart(2, '0')}-01`, to: end.toISOString().slice(0, 10) };
};

/** The quarter and the month a time falls in: the periods a weekly snapshot takes. */
export const currentPeriods = (at: Date) => periodsOf(at.toISOString().slice(0, 10));

/** The Monday (UTC) of the week of `at`. */
export const weekOf = (at: Date) => {
  const day = (at.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - day)).toISOString().slice(0, 10);
};

/** Everything a state adds to the counters. */
export const contribution = (state: DealState | undefined): Map<string, CounterChange> => {
  const out = new Map<string, CounterChange>();
  const add = (ref: CounterRef, fields: Record<string, number>) => {
    const id = refId(ref);
    const entry = out.get(id) ?? { ref, add: {} };
    for (const [f, v] of Object.entries(fields)) entry.add[f] = (entry.add[f] ?? 0) + v;
    out.set(id, entry);
  };
  const deal = state?.deal;
  if (!state || state.deleted || !deal) return out;
  const currency = deal.amount?.currency ?? noCurrency;
  const amount = deal.amount?.amount ?? 0;
  const { pipelineId, stageId } = deal;
  for (const period of deal.closeDate ? periodsOf(deal.closeDate) : [])
    add({ kind: 'forecast', period, ownerId: deal.ownerId, pipelineId, stageId, currency }, { deals: 1, amount });
  add({ kind: 'stage', pipelineId, stageId }, { deals: 1, createdAtSec: Math.floor(Date.parse(deal.createdAt) / 1000) });
  add({ kind: 'stageCurrency', pipelineId, stageId, currency }, { deals: 1, amount });
  const closed = deal.status === 'open' ? 0 : 1;
  const won = deal.status === 'won' ? 1 : 0;
  for (const seen of state.visited) {
    const [p, s] = seen.split('#') as [string, string];
    add({ kind: 'stage', pipelineId: p, stageId: s }, { entered: 1, closed, won });
  }
  // A pair of stages counts once per deal, however often the deal went back and forth.
  const pairs = new Set<string>();
  for (const move of Object.values(state.moves)) {
    if (!move.from) continue;
    add({ kind: 'stage', pipelineId: move.pipelineId, stageId: move.from }, { exits: 1, msInStage: move.ms ?? 0 });
    const ref: CounterRef = { kind: 'move', pipelineId: move.pipelineId, stageId: move.from, toStage: move.to };
    if (!pairs.has(refId(ref))) add(ref, { moves: 1 });
    pairs.add(refId(ref));
  }
  return out;
};

/** What to add to the counters to go from one state to the next: per item, the non-zero differences. */
export const counterChanges = (before: DealState | undefined, after: DealState | undefined): CounterChange[] => {
  const from = contribution(before);
  const to = contribution(after);
  const changes: CounterChange[] = [];
  for (const id of new Set([...from.keys(), ...to.keys()])) {
    const a = from.get(id)?.add ?? {};
    const b = to.get(id)?.add ?? {};
    const add: Record<string, number> = {};
    for (const f of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = (b[f] ?? 0) - (a[f] ?? 0);
      if (d !== 0) add[f] = d;
    }
    if (Object.keys(add).length) changes.push({ ref: (to.get(id) ?? from.get(id))!.ref, add });
  }
  return changes;
};

const track = (deal: TrackedDeal): TrackedDeal => ({
  version: deal.version,
  pipelineId: deal.pipelineId,
  stageId: deal.stageId,
  status: deal.status,
  ownerId: deal.ownerId,
  ...(deal.closeDate && { closeDate: deal.closeDate }),
  ...(deal.amount && { amount: { amount: deal.amount.amount, currency: deal.amount.currency } }),
  createdAt: deal.createdAt,
});

/**
 * The next state of a deal given its current version (`deal`, undefined once
 * deleted) and the stage change an event carries; undefined when the counters
 * already hold it (a redelivery, or an event older than the version applied).
 */
export const nextState = (
  before: DealState | undefined,
  dealId: string,
  deal: TrackedDeal | undefined,
  move?: { eventId: string } & Move,
): DealState | undefined => {
  if (before?.deleted) return undefined;
  if (!deal) return before ? { ...before, rev: before.rev + 1, deleted: true } : undefined;
  const newer = !before?.deal || deal.version > before.deal.version;
  const newMove = move && !before?.moves[move.eventId];
  if (!newer && !newMove) return undefined;
  const visited = new Set(before?.visited ?? []);
  const moves = { ...before?.moves };
  const current = newer ? track(deal) : before!.deal!;
  visited.add(`${current.pipelineId}#${current.stageId}`);
  if (move && newMove) {
    const { eventId, ...m } = move;
    moves[eventId] = m;
    if (m.from) visited.add(`${m.pipelineId}#${m.from}`);
    visited.add(`${m.pipelineId}#${m.to}`);
  }
  return { dealId, rev: (before?.rev ?? 0) + 1, deal: current, visited: [...visited].sort(), moves };
};

/** Half away from zero, so −0.5 and 0.5 round alike in magnitude. */
export const roundHalfAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x));

/** amount × probability / 100 in integer minor units. */
export const weighted = (amount: number, probability: number) => roundHalfAway((amount * probability) / 100);

export interface ForecastCounter {
  ownerId: string;
  pipelineId: string;
  stageId: string;
  currency: string;
  deals: number;
  amount: number;
}
export interface StageInfo {
  forecastCategory: ForecastCategory;
  probability: number;
  kind: 'open' | 'won' | 'lost';
}

/**
 * The forecast figures of counter rows, each row's stage looked up in the
 * pipelines as they are now (a stage a pipeline no longer has counts as
 * omitted, probability 0). Weighted amounts are rounded per stage and currency.
 */
export const forecastFigures = (
  rows: ForecastCounter[],
  stageOf: (pipelineId: string, stageId: string) => StageInfo | undefined,
): ForecastFigures => {
  const cats = new Map(forecastCategories.map((c) => [c, { deals: 0, amounts: new Map<string, { amount: number; weighted: number }>() }]));
  let wonDeals = 0;
  const won = new Map<string, number>();
  for (const row of rows) {
    if (!row.deals) continue;
    const stage = stageOf(row.pipelineId, row.stageId) ?? { forecastCategory: 'omitted', probability: 0, kind: 'open' };
    const cat = cats.get(stage.forecastCategory)!;
    cat.deals += row.deals;
    if (stage.kind === 'won') wonDeals += row.deals;
    if (row.currency === noCurrency) continue;
    const sum = cat.amounts.get(row.currency) ?? { amount: 0, weighted: 0 };
    sum.amount += row.amount;
    sum.weighted += weighted(row.amount, stage.probability);
    cat.amounts.set(row.currency, sum);
    if (stage.kind === 'won') won.set(row.currency, (won.get(row.currency) ?? 0) + row.amount);
  }
  const byCurrency = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  return {
    categories: forecastCategories.map((category) => {
      const c = cats.get(category)!;
      return { category, deals: c.deals, amounts: byCurrency(c.amounts).map(([currency, s]) => ({ currency, ...s })) };
    }),
    closedWon: { deals: wonDeals, amounts: byCurrency(won).map(([currency, amount]) => ({ currency, amount })) },
  };
};

/** What moved between two snapshots: per category and currency, the later minus the earlier. */
export const movement = (before: ForecastFigures, after: ForecastFigures) =>
  forecastCategories.map((category) => {
    const a = before.categories.find((c) => c.category === category);
    const b = after.categories.find((c) => c.category === category);
    const currencies = [...new Set([...(a?.amounts ?? []), ...(b?.amounts ?? [])].map((m) => m.currency))].sort();
    return {
      category,
      deals: (b?.deals ?? 0) - (a?.deals ?? 0),
      amounts: currencies.map((currency) => {
        const x = a?.amounts.find((m) => m.currency === currency) ?? { amount: 0, weighted: 0 };
        const y = b?.amounts.find((m) => m.currency === currency) ?? { amount: 0, weighted: 0 };
        return { currency, amount: y.amount - x.amount, weighted: y.weighted - x.weighted };
      }),
    };
  });

export interface StageCounter {
  stageId: string;
  deals?: number;
  createdAtSec?: number;
  entered?: number;
  closed?: number;
  won?: number;
  exits?: number;
  msInStage?: number;
}
export interface PipelineCounters {
  stages: StageCounter[];
  currencies: { stageId: string; currency: string; deals: number; amount: number }[];
  moves: { stageId: string; toStage: string; moves: number }[];
}

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);

/** The pipeline report from its counters, stages in the pipeline's order; rates to 4 decimals. */
export const pipelineReport = (pipeline: Pipeline, counters: PipelineCounters, nowMs: number): PipelineReport => ({
  pipelineId: pipeline.id,
  stages: pipeline.stages.map((stage, index) => {
    const c = counters.stages.find((s) => s.stageId === stage.id) ?? { stageId: stage.id };
    const deals = c.deals ?? 0;
    const later = new Set(pipeline.stages.slice(index + 1).flatMap((s) => (s.kind === 'lost' ? [] : [s.id])));
    const forward = counters.moves.filter((m) => m.stageId === stage.id && later.has(m.toStage)).reduce((n, m) => n + m.moves, 0);
    return {
      stageId: stage.id,
      name: stage.name,
      kind: stage.kind,
      deals,
      amounts: counters.currencies
        .filter((m) => m.stageId === stage.id && m.currency !== noCurrency && m.deals > 0)
        .map((m) => ({ currency: m.currency, amount: m.amount }))
        .sort((a, b) => a.currency.localeCompare(b.currency)),
      averageAgeMs: deals > 0 ? Math.max(0, Math.round(nowMs - ((c.createdAtSec ?? 0) / deals) * 1000)) : null,
      conversionRate: ratio(forward, c.entered ?? 0),
      winRate: ratio(c.won ?? 0, c.closed ?? 0),
      averageMsInStage: c.exits ? Math.round((c.msInStage ?? 0) / c.exits) : null,
    };
  }),
});
