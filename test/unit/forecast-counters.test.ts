import { describe, expect, it } from 'vitest';
import { defaultStages } from '../../functions/deals/rules.ts';
import type { Pipeline } from '../../functions/deals/schemas.ts';
import {
  forecastFigures,
  periodRange,
  periodsOf,
  roundHalfAway,
  type TrackedDeal,
  weekOf,
  weighted,
} from '../../functions/forecast/rules.ts';
import { applyDealEvent, type DealsSource, forecastService, takeSnapshots } from '../../functions/forecast/service.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { memoryForecast } from '../support/fakes/forecast.ts';

const T = 'tenant-1';
const pipeline: Pipeline = {
  id: 'P1',
  version: 1,
  name: 'Sales',
  isDefault: true,
  stages: defaultStages,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** The deals context as the forecast reads it: each deal at its current version. */
const dealsFake = () => {
  const deals = new Map<string, TrackedDeal>();
  const source: DealsSource = {
    deal: async (_t, id) => structuredClone(deals.get(id)),
    pipeline: async (_t, id) => (id === pipeline.id ? pipeline : undefined),
    pipelines: async () => [pipeline],
  };
  const kinds = Object.fromEntries(defaultStages.map((s) => [s.id, s.kind]));
  /** Writes the next version of a deal, as a PATCH does. */
  const write = (id: string, change: Partial<TrackedDeal>) => {
    const before = deals.get(id);
    const after: TrackedDeal = {
      ...(before ?? {
        pipelineId: 'P1',
        stageId: 'qualification',
        ownerId: 'ann',
        createdAt: '2026-10-01T00:00:00.000Z',
        status: 'open',
      }),
      ...change,
      version: (before?.version ?? 0) + 1,
    } as TrackedDeal;
    after.status = kinds[after.stageId] as TrackedDeal['status'];
    deals.set(id, after);
  };
  return { deals, source, write };
};

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const setup = () => ({ ...memoryForecast(), ...dealsFake() });
type Setup = ReturnType<typeof setup>;

const created = (s: Setup, id: string) => applyDealEvent(s.repo, s.source, T, { id: `created-${id}`, dealId: id });
const updated = (s: Setup, id: string, eventId: string) => applyDealEvent(s.repo, s.source, T, { id: eventId, dealId: id });
const moved = (s: Setup, id: string, eventId: string, from: string, to: string, ms: number) =>
  applyDealEvent(s.repo, s.source, T, { id: eventId, dealId: id, move: { pipelineId: 'P1', from, to, ms } });

const forecastOf = async (s: Setup, period: string, ownerId?: string) => {
  const read = await s.repo.forecast(T, period, ownerId);
  const stageOf = (p: string, st: string) => (p === 'P1' ? defaultStages.find((x) => x.id === st) : undefined);
  return forecastFigures(read.counters, stageOf);
};
const category = (f: Awaited<ReturnType<typeof forecastOf>>, name: string) => f.categories.find((c) => c.category === name)!;

describe('forecast periods and rounding', () => {
  it('puts a close date in its quarter and month, and bounds periods', () => {
    expect(periodsOf('2026-11-15')).toEqual(['2026-Q4', '2026-11']);
    expect(periodsOf('2027-01-01')).toEqual(['2027-Q1', '2027-01']);
    expect(periodRange('2026-Q4')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodRange('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(weekOf(new Date('2026-12-02T15:00:00Z'))).toBe('2026-11-30');
    expect(weekOf(new Date('2026-11-30T00:00:00Z'))).toBe('2026-11-30');
    expect(weekOf(new Date('2026-12-06T23:59:59Z'))).toBe('2026-11-30');
  });

  it('weights in integer minor units, halves away from zero', () => {
    expect(weighted(999, 40)).toBe(400); // 399.6
    expect(weighted(1005, 10)).toBe(101); // 100.5
    expect(weighted(-1005, 10)).toBe(-101);
    expect(weighted(1004, 10)).toBe(100);
    expect(weighted(12345, 0)).toBe(0);
    expect(roundHalfAway(-0.5)).toBe(-1);
  });
});

describe('forecast counters from deal events', () => {
  it('counts a deal in its category, per currency, in its quarter and month, for its owner', async () => {
    const s = setup();
    s.write('d1', { amount: eur(10_000), closeDate: '2026-11-15' });
    s.write('d2', { amount: eur(1005), closeDate: '2026-12-01', ownerId: 'bob', stageId: 'proposal' });
    s.write('d3', { amount: { amount: 700, currency: 'USD' }, closeDate: '2026-10-20', stageId: 'proposal' });
    s.write('d4', { closeDate: '2026-10-21' });
    for (const id of ['d1', 'd2', 'd3', 'd4']) await created(s, id);

    const q4 = await forecastOf(s, '2026-Q4');
    expect(category(q4, 'pipeline')).toEqual({
      category: 'pipeline',
      deals: 2,
      amounts: [{ currency: 'EUR', amount: 10_000, weighted: 1000 }],
    });
    expect(category(q4, 'best_case')).toEqual({
      category: 'best_case',
      deals: 2,
      amounts: [
        { currency: 'EUR', amount: 1005, weighted: 402 },
        { currency: 'USD', amount: 700, weighted: 280 },
      ],
    });
    expect(category(q4, 'commit')).toEqual({ category: 'commit', deals: 0, amounts: [] });
    expect(category(await forecastOf(s, '2026-11'), 'pipeline').deals).toBe(1);
    expect(category(await forecastOf(s, '2026-12'), 'best_case').amounts).toEqual([{ currency: 'EUR', amount: 1005, weighted: 402 }]);
    const bob = await forecastOf(s, '2026-Q4', 'bob');
    expect(bob.categories.reduce((n, c) => n + c.deals, 0)).toBe(1);
    expect(await forecastOf(s, '2027-Q1')).toEqual(forecastFigures([], () => undefined));
  });

  it('applies a redelivered event once', async () => {
    const s = setup();
    s.write('d1', { amount: eur(5000), closeDate: '2026-11-15' });
    await created(s, 'd1');
    s.write('d1', { stageId: 'proposal' });
    await moved(s, 'd1', 'move-1', 'qualification', 'proposal', 3_600_000);
    const once = s.nonZero();
    const writes = s.transactions();
    await created(s, 'd1');
    await moved(s, 'd1', 'move-1', 'qualification', 'proposal', 3_600_000);
    await Promise.all([moved(s, 'd1', 'move-1', 'qualification', 'proposal', 3_600_000), created(s, 'd1')]);
    expect(s.nonZero()).toEqual(once);
    expect(s.transactions()).toBe(writes);
    expect(category(await forecastOf(s, '2026-Q4'), 'best_case')).toEqual({
      category: 'best_case',
      deals: 1,
      amounts: [{ currency: 'EUR', amount: 5000, weighted: 2000 }],
    });
    expect(once['PR#P1|ST#qualification']).toEqual({ entered: 1, exits: 1, msInStage: 3_600_000 });
  });

  it('ends in the same counters whatever order stage changes arrive in', async () => {
    const run = async (order: number[]) => {
      const s = setup();
      const steps: [string, string, number][] = [
        ['qualification', 'proposal', 1000],
        ['proposal', 'negotiation', 2000],
        ['negotiation', 'won', 3000],
      ];
      s.write('d1', { amount: eur(8000), closeDate: '2026-11-15' });
      for (const [, to] of steps) s.write('d1', { stageId: to });
      const events = [
        () => created(s, 'd1'),
        ...steps.map(
          ([from, to, ms], i) =>
            () =>
              moved(s, 'd1', `move-${i}`, from, to, ms),
        ),
      ];
      for (const i of order) await events[i]!();
      return s;
    };
    const inOrder = await run([0, 1, 2, 3]);
    const reversed = await run([3, 2, 1, 0]);
    const shuffled = await run([2, 0, 3, 1]);
    expect(reversed.nonZero()).toEqual(inOrder.nonZero());
    expect(shuffled.nonZero()).toEqual(inOrder.nonZero());
    const q4 = await forecastOf(reversed, '2026-Q4');
    expect(category(q4, 'closed')).toEqual({ category: 'closed', deals: 1, amounts: [{ currency: 'EUR', amount: 8000, weighted: 8000 }] });
    expect(q4.closedWon).toEqual({ deals: 1, amounts: [eur(8000)] });
    expect(category(q4, 'pipeline').deals + category(q4, 'commit').deals).toBe(0);
    // Every stage it passed through counts it as entered and won.
    for (const st of ['qualification', 'proposal', 'negotiation', 'won'])
      expect(inOrder.nonZero()[`PR#P1|ST#${st}`]).toMatchObject({ entered: 1, closed: 1, won: 1 });
  });

  it('moves a deal between periods when its close date changes', async () => {
    const s = setup();
    s.write('d1', { amount: eur(3000), closeDate: '2026-11-15' });
    await created(s, 'd1');
    s.write('d1', { closeDate: '2027-01-10' });
    await updated(s, 'd1', 'update-1');
    expect((await forecastOf(s, '2026-Q4')).categories.every((c) => c.deals === 0 && c.amounts.length === 0)).toBe(true);
    expect((await forecastOf(s, '2026-11')).categories.every((c) => c.deals === 0)).toBe(true);
    expect(category(await forecastOf(s, '2027-Q1'), 'pipeline')).toEqual({
      category: 'pipeline',
      deals: 1,
      amounts: [{ currency: 'EUR', amount: 3000, weighted: 300 }],
    });
    expect(category(await forecastOf(s, '2027-01'), 'pipeline').deals).toBe(1);
    // An owner change moves it between owners too.
    s.write('d1', { ownerId: 'bob' });
    await updated(s, 'd1', 'update-2');
    expect(category(await forecastOf(s, '2027-Q1', 'ann'), 'pipeline').deals).toBe(0);
    expect(category(await forecastOf(s, '2027-Q1', 'bob'), 'pipeline').deals).toBe(1);
  });

  it('takes a deleted deal out of every counter, and no late event brings it back', async () => {
    const s = setup();
    s.write('d1', { amount: eur(3000), closeDate: '2026-11-15' });
    await created(s, 'd1');
    s.write('d1', { stageId: 'proposal' });
    await moved(s, 'd1', 'move-1', 'qualification', 'proposal', 500);
    expect(Object.keys(s.nonZero()).length).toBeGreaterThan(0);
    s.deals.delete('d1');
    await updated(s, 'd1', 'deleted-1');
    expect(s.nonZero()).toEqual({});
    await moved(s, 'd1', 'move-late', 'proposal', 'negotiation', 700);
    await created(s, 'd1');
    expect(s.nonZero()).toEqual({});
  });

  it('counts a deal once when events of it are applied concurrently', async () => {
    const s = setup();
    s.write('d1', { amount: eur(2000), closeDate: '2026-11-15' });
    s.write('d1', { stageId: 'proposal' });
    s.write('d1', { stageId: 'negotiation' });
    await Promise.all([
      created(s, 'd1'),
      moved(s, 'd1', 'move-1', 'qualification', 'proposal', 10),
      moved(s, 'd1', 'move-2', 'proposal', 'negotiation', 20),
      updated(s, 'd1', 'update-1'),
    ]);
    const q4 = await forecastOf(s, '2026-Q4');
    expect(q4.categories.reduce((n, c) => n + c.deals, 0)).toBe(1);
    expect(category(q4, 'commit').amounts).toEqual([{ currency: 'EUR', amount: 2000, weighted: 1400 }]);
    expect(s.nonZero()['PR#P1|ST#proposal']).toEqual({ entered: 1, exits: 1, msInStage: 20 });
  });
});

describe('pipeline report and snapshots', () => {
  const ctx = { tenantId: T, userId: 'boss', roles: ['admin'] } as unknown as RequestContext;

  it('reports conversion, win rate and time in stage from the counters', async () => {
    const s = setup();
    const service = forecastService(s.repo, s.source);
    // d1 and d2 go qualification → proposal; d1 is won, d2 lost; d3 stays in qualification.
    for (const id of ['d1', 'd2', 'd3']) {
      s.write(id, { amount: eur(1000), closeDate: '2026-11-15' });
      await created(s, id);
    }
    for (const [id, ms] of [
      ['d1', 1000],
      ['d2', 3000],
    ] as const) {
      s.write(id, { stageId: 'proposal' });
      await moved(s, id, `${id}-m1`, 'qualification', 'proposal', ms);
    }
    s.write('d1', { stageId: 'won' });
    await moved(s, 'd1', 'd1-m2', 'proposal', 'won', 5000);
    s.write('d2', { stageId: 'lost' });
    await moved(s, 'd2', 'd2-m2', 'proposal', 'lost', 7000);

    const report = (await service.pipelineReport({ query: { pipelineId: 'P1' } } as never, ctx)) as any;
    const stage = (id: string) => report.stages.find((x: any) => x.stageId === id);
    expect(stage('qualification')).toMatchObject({
      deals: 1,
      amounts: [eur(1000)],
      conversionRate: 0.6667,
      winRate: 0.5,
      averageMsInStage: 2000,
    });
    expect(stage('proposal')).toMatchObject({
      deals: 0,
      amounts: [],
      averageAgeMs: null,
      conversionRate: 0.5,
      winRate: 0.5,
      averageMsInStage: 6000,
    });
    expect(stage('won')).toMatchObject({ deals: 1, winRate: 1, conversionRate: 0, averageMsInStage: null });
    expect(stage('lost')).toMatchObject({ deals: 1, winRate: 0 });
    expect(stage('qualification').averageAgeMs).toBeGreaterThan(0);
    await expect(service.pipelineReport({ query: { pipelineId: 'nope' } } as never, ctx)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('writes one immutable snapshot per tenant, period and week, and shows the movement', async () => {
    const s = setup();
    s.write('d1', { amount: eur(4000), closeDate: '2026-12-15' });
    await created(s, 'd1');
    // The last day of November: the quarter has the deal, the month (November) does not.
    expect(await takeSnapshots(s.repo, s.source, new Date('2026-11-30T05:00:00Z'))).toBe(1);
    expect(await takeSnapshots(s.repo, s.source, new Date('2026-11-30T18:00:00Z'))).toBe(0);
    s.write('d1', { stageId: 'negotiation' });
    await moved(s, 'd1', 'm1', 'qualification', 'negotiation', 10);
    expect(await takeSnapshots(s.repo, s.source, new Date('2026-12-07T05:00:00Z'))).toBe(2);
    // A late run for an earlier week changes no snapshot.
    expect(await takeSnapshots(s.repo, s.source, new Date('2026-11-30T06:00:00Z'))).toBe(0);
    const service = forecastService(s.repo, s.source);
    const history = (await service.forecastHistory({ query: { period: '2026-Q4', limit: 50 } } as never, ctx)) as any;
    expect(history.items.map((h: any) => h.week)).toEqual(['2026-11-30', '2026-12-07']);
    expect(history.items[0].change).toBeUndefined();
    const change = (c: string) => history.items[1].change.find((x: any) => x.category === c);
    expect(change('pipeline')).toEqual({ category: 'pipeline', deals: -1, amounts: [{ currency: 'EUR', amount: -4000, weighted: -400 }] });
    expect(change('commit')).toEqual({ category: 'commit', deals: 1, amounts: [{ currency: 'EUR', amount: 4000, weighted: 2800 }] });
    expect(s.events.map((e) => e.type)).toEqual(Array(3).fill('forecast.snapshot_taken'));
  });

  it('keeps adjustments and quotas apart from the figures, versioned, with attainment', async () => {
    const s = setup();
    const service = forecastService(s.repo, s.source);
    s.write('d1', { amount: eur(2500), closeDate: '2026-11-15', stageId: 'won' });
    await created(s, 'd1');
    const params = { period: '2026-Q4', ownerId: 'ann' };
    const adj = (await service.putAdjustment({ params, body: { amount: eur(-500), note: 'slipping' } } as never, ctx)) as any;
    expect(adj).toMatchObject({ version: 1, amount: eur(-500), note: 'slipping', updatedBy: 'boss' });
    await expect(service.putAdjustment({ params, body: { amount: eur(1) }, ifMatch: 3 } as never, ctx)).rejects.toMatchObject({
      kind: 'precondition-failed',
    });
    expect(await service.putAdjustment({ params, body: { amount: eur(-700) }, ifMatch: 1 } as never, ctx)).toMatchObject({ version: 2 });
    await expect(service.putQuota({ params, body: { amount: eur(10_000) }, ifMatch: 1 } as never, ctx)).rejects.toMatchObject({
      kind: 'precondition-failed',
    });
    await service.putQuota({ params, body: { amount: eur(10_000) } } as never, ctx);
    const read = (await service.getForecast({ query: { period: '2026-Q4', ownerId: 'ann' } } as never, ctx)) as any;
    expect(read.closedWon).toEqual({ deals: 1, amounts: [eur(2500)] });
    expect(read.adjustments.map((a: any) => a.amount)).toEqual([eur(-700)]);
    expect(read.attainment).toEqual([{ currency: 'EUR', closedWon: 2500, quota: 10_000, ratio: 0.25 }]);
    expect(category(read, 'closed').amounts).toEqual([{ currency: 'EUR', amount: 2500, weighted: 2500 }]);
    expect(s.events.map((e) => e.type)).toEqual(['forecast.adjusted', 'forecast.adjusted', 'forecast.quota_set']);
  });
});
