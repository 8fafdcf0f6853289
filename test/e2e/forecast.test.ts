import { describe, expect, it } from 'vitest';
import { handler as snapshot } from '../../functions/forecast/snapshot.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

// Monday 09:00: the clock moves by hours only, so no 05:00 job fires on its own.
const clock = new ManualClock(new Date('2026-11-02T09:00:00Z'));
const rt = useTestRuntime({ clock });
const as =
  (tenant: string, role: Role, user = `${role}-user`) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], user))(...args);

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const hour = 3_600_000;
const category = (forecast: any, name: string) => forecast.categories.find((c: any) => c.category === name);

describe('forecast and pipeline report', () => {
  it('serves the forecast, adjustments, quotas, the pipeline report and the weekly history from counters', async () => {
    const tenant = uniqueTenant('forecast');
    const ann = as(tenant, 'sales', 'ann');
    const bob = as(tenant, 'sales', 'bob');
    const analyst = as(tenant, 'analyst');
    const contact = (await as(tenant, 'admin')('POST', '/contacts', { firstName: 'Ada' })).body;
    const pipeline = (await analyst('GET', '/pipelines')).body.items[0];
    const deal = async (api: typeof ann, name: string, amount: { amount: number; currency: string }, closeDate: string) => {
      const res = await api('POST', '/deals', { name, contactIds: [contact.id], amount, closeDate });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const d1 = await deal(ann, 'One', eur(10_000), '2026-11-20');
    const d2 = await deal(ann, 'Two', eur(5005), '2026-12-10');
    const d3 = await deal(bob, 'Three', eur(3000), '2026-10-15');
    const d4 = await deal(bob, 'Four', { amount: 2000, currency: 'USD' }, '2027-01-05');
    const d5 = await deal(ann, 'Five', eur(999), '2026-11-25');

    await clock.advance(hour);
    expect((await ann('PATCH', `/deals/${d2}`, { stageId: 'proposal' })).status).toBe(200);
    expect((await bob('PATCH', `/deals/${d3}`, { stageId: 'proposal' })).status).toBe(200);
    await clock.advance(2 * hour);
    expect((await ann('PATCH', `/deals/${d2}`, { stageId: 'negotiation' })).status).toBe(200);
    expect((await bob('PATCH', `/deals/${d3}`, { stageId: 'won' })).status).toBe(200);
    expect((await ann('PATCH', `/deals/${d5}`, { stageId: 'lost', lostReason: 'price' })).status).toBe(200);
    // D4 moves into the quarter; a sixth deal comes and goes.
    expect((await bob('PATCH', `/deals/${d4}`, { closeDate: '2026-12-31' })).status).toBe(200);
    const d6 = await deal(ann, 'Six', eur(777), '2026-11-30');
    expect((await ann('DELETE', `/deals/${d6}`)).status).toBe(204);
    await rt.settle();

    const q4 = await analyst('GET', '/forecast?period=2026-Q4');
    expect(q4.status).toBe(200);
    expect(q4.body.categories).toEqual([
      {
        category: 'pipeline',
        deals: 2,
        amounts: [
          { currency: 'EUR', amount: 10_000, weighted: 1000 },
          { currency: 'USD', amount: 2000, weighted: 200 },
        ],
      },
      { category: 'best_case', deals: 0, amounts: [] },
      // 5005 × 70 / 100 = 3503.5, rounded half away from zero.
      { category: 'commit', deals: 1, amounts: [{ currency: 'EUR', amount: 5005, weighted: 3504 }] },
      { category: 'closed', deals: 1, amounts: [{ currency: 'EUR', amount: 3000, weighted: 3000 }] },
      { category: 'omitted', deals: 1, amounts: [{ currency: 'EUR', amount: 999, weighted: 0 }] },
    ]);
    expect(q4.body.closedWon).toEqual({ deals: 1, amounts: [eur(3000)] });
    const nov = (await ann('GET', '/forecast?period=2026-11')).body;
    expect(nov.categories.map((c: any) => c.deals)).toEqual([1, 0, 0, 0, 1]);
    const bobs = (await ann('GET', '/forecast?period=2026-Q4&ownerId=bob')).body;
    expect(bobs.ownerId).toBe('bob');
    expect(category(bobs, 'pipeline')).toEqual({
      category: 'pipeline',
      deals: 1,
      amounts: [{ currency: 'USD', amount: 2000, weighted: 200 }],
    });
    expect(bobs.closedWon).toEqual({ deals: 1, amounts: [eur(3000)] });
    expect((await analyst('GET', '/forecast?period=2026-Q5')).status).toBe(400);
    expect((await as(tenant, 'marketing')('GET', '/forecast?period=2026-Q4')).status).toBe(403);

    // Adjustments and quotas: versioned, apart from the figures.
    const adjusted = await ann('PUT', '/forecast/adjustments/2026-Q4/ann', { amount: eur(-1500), note: 'Two may slip' });
    expect(adjusted.status).toBe(200);
    expect(adjusted.headers.get('etag')).toBe('"1"');
    expect(adjusted.body).toMatchObject({ period: '2026-Q4', ownerId: 'ann', version: 1, amount: eur(-1500), updatedBy: 'ann' });
    const again = await as(tenant, 'admin')('PUT', '/forecast/adjustments/2026-Q4/ann', { amount: eur(-2000) }, { 'if-match': '"1"' });
    expect(again.body).toMatchObject({ version: 2, amount: eur(-2000) });
    expect((await ann('PUT', '/forecast/adjustments/2026-Q4/ann', { amount: eur(1) }, { 'if-match': '"1"' })).status).toBe(412);
    expect((await analyst('PUT', '/forecast/adjustments/2026-Q4/ann', { amount: eur(1) })).status).toBe(403);
    expect((await ann('PUT', '/forecast/adjustments/2026-Q4/ann', { amount: { amount: 1.5, currency: 'EUR' } })).status).toBe(400);
    expect((await bob('PUT', '/forecast/quotas/2026-Q4/bob', { amount: eur(6000) })).body).toMatchObject({ version: 1 });
    expect((await bob('PUT', '/forecast/quotas/2026-Q4/bob', { amount: eur(0) })).status).toBe(400);
    const withQuota = (await analyst('GET', '/forecast?period=2026-Q4&ownerId=bob')).body;
    expect(withQuota.quotas.map((q: any) => q.amount)).toEqual([eur(6000)]);
    expect(withQuota.adjustments).toEqual([]);
    expect(withQuota.attainment).toEqual([{ currency: 'EUR', closedWon: 3000, quota: 6000, ratio: 0.5 }]);
    const all = (await analyst('GET', '/forecast?period=2026-Q4')).body;
    expect(all.adjustments.map((a: any) => [a.ownerId, a.amount.amount])).toEqual([['ann', -2000]]);
    expect(all.categories).toEqual(q4.body.categories);

    // Pipeline report at 12:00: D1 and D4 wait in qualification since 09:00.
    const history = (await ann('GET', `/deals/${d5}/stage-history`)).body.items;
    expect(history.at(-1).msInPreviousStage).toBe(3 * hour);
    const report = await analyst('GET', `/reports/pipeline?pipelineId=${pipeline.id}`);
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      pipelineId: pipeline.id,
      stages: [
        {
          stageId: 'qualification',
          name: 'Qualification',
          kind: 'open',
          deals: 2,
          amounts: [eur(10_000), { amount: 2000, currency: 'USD' }],
          averageAgeMs: 3 * hour,
          conversionRate: 0.4, // D2 and D3 went on; D1, D4 stayed, D5 was lost
          winRate: 0.5, // D3 won, D5 lost
          averageMsInStage: (hour + hour + 3 * hour) / 3,
        },
        {
          stageId: 'proposal',
          name: 'Proposal',
          kind: 'open',
          deals: 0,
          amounts: [],
          averageAgeMs: null,
          conversionRate: 1,
          winRate: 1,
          averageMsInStage: 2 * hour,
        },
        {
          stageId: 'negotiation',
          name: 'Negotiation',
          kind: 'open',
          deals: 1,
          amounts: [eur(5005)],
          averageAgeMs: 3 * hour,
          conversionRate: 0,
          winRate: null,
          averageMsInStage: null,
        },
        {
          stageId: 'won',
          name: 'Won',
          kind: 'won',
          deals: 1,
          amounts: [eur(3000)],
          averageAgeMs: 3 * hour,
          conversionRate: 0,
          winRate: 1,
          averageMsInStage: null,
        },
        {
          stageId: 'lost',
          name: 'Lost',
          kind: 'lost',
          deals: 1,
          amounts: [eur(999)],
          averageAgeMs: 3 * hour,
          conversionRate: 0,
          winRate: 0,
          averageMsInStage: null,
        },
      ],
    });

    // Another tenant sees none of it.
    const other = as(uniqueTenant('forecast-other'), 'admin');
    expect((await other('GET', `/reports/pipeline?pipelineId=${pipeline.id}`)).status).toBe(404);
    expect((await other('GET', '/forecast?period=2026-Q4')).body.categories.map((c: any) => c.deals)).toEqual([0, 0, 0, 0, 0]);

    // Weekly snapshots: one per week, immutable; the history shows the movement.
    await snapshot({ time: '2026-11-02T12:00:00Z' });
    expect((await ann('PATCH', `/deals/${d1}`, { stageId: 'proposal' })).status).toBe(200);
    await rt.settle();
    await snapshot({ time: '2026-11-05T05:00:00Z' });
    await snapshot({ time: '2026-11-09T05:00:00Z' });
    const weeks = await analyst('GET', '/forecast/history?period=2026-Q4');
    expect(weeks.status).toBe(200);
    expect(weeks.body.items.map((s: any) => s.week)).toEqual(['2026-11-02', '2026-11-09']);
    expect(category(weeks.body.items[0], 'pipeline')).toEqual(q4.body.categories[0]);
    expect(weeks.body.items[0].change).toBeUndefined();
    expect(weeks.body.items[1].change.slice(0, 2)).toEqual([
      {
        category: 'pipeline',
        deals: -1,
        amounts: [
          { currency: 'EUR', amount: -10_000, weighted: -1000 },
          { currency: 'USD', amount: 0, weighted: 0 },
        ],
      },
      { category: 'best_case', deals: 1, amounts: [{ currency: 'EUR', amount: 10_000, weighted: 4000 }] },
    ]);
    const month = (await analyst('GET', '/forecast/history?period=2026-11')).body.items;
    expect(month.map((s: any) => s.week)).toEqual(['2026-11-02', '2026-11-09']);
    expect((await other('GET', '/forecast/history?period=2026-Q4')).body.items).toEqual([]);
  });
});
