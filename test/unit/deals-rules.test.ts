import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultPipelineId } from '../../functions/deals/rules.ts';
import {
  createDealBody,
  createPipelineBody,
  type Deal,
  type Pipeline,
  updateDealBody,
  updatePipelineBody,
} from '../../functions/deals/schemas.ts';
import { dealService } from '../../functions/deals/service.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { systemActor } from '../../shared/domain/actor.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { systemClock, useClock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { type FakeDeals, fakeDealRepository } from '../support/fakes/deals.ts';

const tenantId = 'acme';
const ctx: RequestContext = { tenantId, userId: 'rep-1', roles: ['sales'] };
const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));
const none = { params: undefined, query: undefined, body: undefined } as const;

let fake: FakeDeals;
let service: ReturnType<typeof dealService>;
let contactId: string;

beforeEach(() => {
  useClock(clock);
  fake = fakeDealRepository();
  service = dealService(fake.repo, fake.references);
  contactId = newId();
  fake.addContact(tenantId, contactId);
});
afterAll(() => useClock(systemClock));

const createDeal = (fields: Record<string, unknown> = {}) =>
  service.createDeal(
    { ...none, body: createDealBody.parse({ name: 'Big one', contactIds: [contactId], ...fields }) },
    ctx,
  ) as Promise<Deal>;
const patchDeal = (id: string, fields: Record<string, unknown>, ifMatch?: number) =>
  service.updateDeal({ ...none, params: { id }, body: updateDealBody.parse(fields), ifMatch }, ctx) as Promise<Deal>;
const defaultPipeline = () => service.getPipeline({ ...none, params: { id: defaultPipelineId(tenantId) } }, ctx) as Promise<Pipeline>;
const putPipeline = (p: Pipeline, body: Record<string, unknown>) =>
  service.updatePipeline(
    { ...none, params: { id: p.id }, body: updatePipelineBody.parse({ name: p.name, ...body }) },
    ctx,
  ) as Promise<Pipeline>;

describe('the default pipeline', () => {
  it('is made once on first use, however many ask at once, and lists first', async () => {
    const seen = await Promise.all([defaultPipeline(), defaultPipeline(), createDeal()]);
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0]).toMatchObject({ isDefault: true, version: 1, name: 'Sales' });
    expect(seen[0].stages.map((s) => `${s.id}:${s.kind}:${s.probability}:${s.forecastCategory}`)).toEqual([
      'qualification:open:10:pipeline',
      'proposal:open:40:best_case',
      'negotiation:open:70:commit',
      'won:won:100:closed',
      'lost:lost:0:omitted',
    ]);
    expect(fake.events.filter((e) => e.type === 'pipeline.created')).toHaveLength(1);
    expect((seen[2] as unknown as Deal).pipelineId).toBe(seen[0].id);

    const other = (await service.createPipeline(
      {
        ...none,
        body: createPipelineBody.parse({
          name: 'Renewals',
          stages: [{ name: 'Open', probability: 50, forecastCategory: 'pipeline', kind: 'open' }],
        }),
      },
      ctx,
    )) as Pipeline;
    const listed = (await service.listPipelines({ ...none, query: { limit: 25 } }, ctx)) as { items: Pipeline[] };
    expect(listed.items.map((p) => p.id)).toEqual([seen[0].id, other.id]);
  });

  it('is listed even before anything used it', async () => {
    const listed = (await service.listPipelines({ ...none, query: { limit: 25 } }, ctx)) as { items: Pipeline[] };
    expect(listed.items.map((p) => p.isDefault)).toEqual([true]);
  });
});

describe('stage rules', () => {
  it('starts a deal in the first open stage, owned by the caller, with the first history entry', async () => {
    const deal = await createDeal({ amount: { amount: 125_000, currency: 'EUR' } });
    expect(deal).toMatchObject({
      stageId: 'qualification',
      status: 'open',
      ownerId: 'rep-1',
      version: 1,
      stageEnteredAt: clock.now().toISOString(),
    });
    const history = (await service.dealStageHistory({ ...none, params: { id: deal.id }, query: { limit: 25 } }, ctx)) as {
      items: unknown[];
    };
    expect(history.items).toEqual([expect.objectContaining({ toStage: 'qualification', by: 'rep-1' })]);
    expect(history.items[0]).not.toHaveProperty('fromStage');
    expect(fake.count(tenantId, deal.pipelineId, 'qualification')).toBe(1);
  });

  it('refuses to enter a stage whose required fields are missing with 422 naming them, and writes nothing', async () => {
    const deal = await createDeal();
    const events = fake.events.length;
    await expect(patchDeal(deal.id, { stageId: 'negotiation' })).rejects.toMatchObject({
      kind: 'unprocessable',
      extra: { errors: { 'body.amount': [expect.any(String)], 'body.closeDate': [expect.any(String)] }, missing: ['amount', 'closeDate'] },
    });
    await expect(createDeal({ stageId: 'proposal' })).rejects.toMatchObject({ extra: { missing: ['amount'] } });
    expect(fake.events).toHaveLength(events);
    expect((await fake.repo.getDeal(tenantId, deal.id))!.stageId).toBe('qualification');

    const moved = await patchDeal(deal.id, { stageId: 'negotiation', amount: { amount: 900, currency: 'USD' }, closeDate: '2026-09-30' });
    expect(moved).toMatchObject({ stageId: 'negotiation', version: 2 });
    // clearing a field the current stage requires is refused too
    await expect(patchDeal(deal.id, { amount: null })).rejects.toMatchObject({ extra: { missing: ['amount'] } });
  });

  it('requires a custom attribute when the stage names attributes.<name>', async () => {
    const p = await defaultPipeline();
    const stages = p.stages.map((s) => (s.id === 'proposal' ? { ...s, requiredFields: ['attributes.budgetOwner'] } : s));
    await putPipeline(p, { stages });
    const deal = await createDeal();
    await expect(patchDeal(deal.id, { stageId: 'proposal' })).rejects.toMatchObject({ extra: { missing: ['attributes.budgetOwner'] } });
    expect(await patchDeal(deal.id, { stageId: 'proposal', attributes: { budgetOwner: 'CFO' } })).toMatchObject({ stageId: 'proposal' });
  });

  it('needs a lost reason to enter a lost stage, and drops it when the deal reopens', async () => {
    const deal = await createDeal();
    await expect(patchDeal(deal.id, { stageId: 'lost' })).rejects.toMatchObject({
      extra: { errors: { 'body.lostReason': [expect.any(String)] } },
    });
    await expect(patchDeal(deal.id, { lostReason: 'price' })).rejects.toMatchObject({ kind: 'unprocessable' });
    const lost = await patchDeal(deal.id, { stageId: 'lost', lostReason: 'Went with a competitor' });
    expect(lost).toMatchObject({ status: 'lost', lostReason: 'Went with a competitor', closedAt: clock.now().toISOString() });
    expect(fake.events.at(-1)).toMatchObject({ type: 'deal.lost', data: { dealId: deal.id, lostReason: 'Went with a competitor' } });
    const reopened = await patchDeal(deal.id, { stageId: 'qualification' });
    expect(reopened.status).toBe('open');
    expect(reopened).not.toHaveProperty('lostReason');
    expect(reopened).not.toHaveProperty('closedAt');
  });

  it('keeps the time spent in the previous stage and emits deal.stage_changed, then deal.won', async () => {
    const deal = await createDeal({ amount: { amount: 5000, currency: 'EUR' } });
    await clock.advance(3_600_000);
    await patchDeal(deal.id, { stageId: 'proposal' });
    await clock.advance(60_000);
    const won = await patchDeal(deal.id, { stageId: 'won' }, 2);
    expect(won).toMatchObject({ status: 'won', version: 3 });
    const history = (await service.dealStageHistory({ ...none, params: { id: deal.id }, query: { limit: 25 } }, ctx)) as {
      items: { fromStage?: string; toStage: string; msInPreviousStage?: number }[];
    };
    expect(history.items.map((h) => [h.fromStage, h.toStage, h.msInPreviousStage])).toEqual([
      [undefined, 'qualification', undefined],
      ['qualification', 'proposal', 3_600_000],
      ['proposal', 'won', 60_000],
    ]);
    const changes = fake.events.filter((e) => e.type === 'deal.stage_changed').map((e) => e.data);
    expect(changes).toEqual([
      expect.objectContaining({
        dealId: deal.id,
        contactId,
        pipeline: deal.pipelineId,
        fromStage: 'qualification',
        toStage: 'proposal',
        msInPreviousStage: 3_600_000,
      }),
      expect.objectContaining({ fromStage: 'proposal', toStage: 'won', stageKind: 'won', amount: { amount: 5000, currency: 'EUR' } }),
    ]);
    expect(fake.events.map((e) => e.type).filter((t) => t.startsWith('deal.'))).toEqual([
      'deal.created',
      'deal.updated',
      'deal.stage_changed',
      'deal.updated',
      'deal.stage_changed',
      'deal.won',
    ]);
    expect([fake.count(tenantId, deal.pipelineId, 'qualification'), fake.count(tenantId, deal.pipelineId, 'won')]).toEqual([0, 1]);
  });

  it('refuses a contact or a company that does not exist (422) and a stale If-Match (412)', async () => {
    await expect(createDeal({ contactIds: [newId()] })).rejects.toMatchObject({
      kind: 'unprocessable',
      extra: { errors: { 'body.contactIds': [expect.any(String)] } },
    });
    await expect(createDeal({ companyId: newId() })).rejects.toMatchObject({
      extra: { errors: { 'body.companyId': [expect.any(String)] } },
    });
    await expect(createDeal({ stageId: 'nowhere' })).rejects.toMatchObject({ extra: { errors: { 'body.stageId': [expect.any(String)] } } });
    const deal = await createDeal();
    await expect(patchDeal(deal.id, { name: 'x' }, 7)).rejects.toMatchObject({ kind: 'precondition-failed' });
  });
});

describe('removing a stage', () => {
  it('is refused with 409 while deals are in it, and moves them (with history) when moveDealsTo says where', async () => {
    const p = await defaultPipeline();
    const a = await createDeal();
    const b = await createDeal();
    const withoutQualification = p.stages.filter((s) => s.id !== 'qualification');
    await expect(putPipeline(p, { stages: withoutQualification })).rejects.toMatchObject({
      kind: 'conflict',
      extra: { stagesInUse: [{ stageId: 'qualification', deals: 2 }] },
    });
    await expect(putPipeline(p, { stages: withoutQualification, moveDealsTo: { qualification: 'won' } })).rejects.toMatchObject({
      kind: 'unprocessable',
    });
    const stages = [
      { id: 'discovery', name: 'Discovery', probability: 5, forecastCategory: 'pipeline', kind: 'open' },
      ...withoutQualification,
    ];
    const after = await putPipeline(p, { stages, moveDealsTo: { qualification: 'discovery' } });
    expect(after.stages.map((s) => s.id)).toEqual(['discovery', 'proposal', 'negotiation', 'won', 'lost']);
    expect(after.version).toBe(2);
    for (const d of [a, b]) {
      expect(await fake.repo.getDeal(tenantId, d.id)).toMatchObject({ stageId: 'discovery', version: 2 });
      const history = await fake.repo.stageHistory(tenantId, d.id, { limit: 10 });
      expect(history.items.at(-1)).toMatchObject({ fromStage: 'qualification', toStage: 'discovery', by: 'rep-1' });
    }
    expect([fake.count(tenantId, p.id, 'qualification'), fake.count(tenantId, p.id, 'discovery')]).toEqual([0, 2]);
  });

  it('refuses to change the kind of a stage that holds deals', async () => {
    const p = await defaultPipeline();
    await createDeal();
    const rekinded = p.stages.map((s) => (s.id === 'qualification' ? { ...s, kind: 'won' } : s));
    await expect(putPipeline(p, { stages: rekinded })).rejects.toMatchObject({
      kind: 'conflict',
      extra: { stagesInUse: [{ stageId: 'qualification', deals: 1 }] },
    });
    const renamed = p.stages.map((s) => (s.id === 'proposal' ? { ...s, kind: 'lost' } : s));
    expect((await putPipeline(p, { stages: renamed })).stages[1]).toMatchObject({ id: 'proposal', kind: 'lost' });
  });

  it('is allowed without moveDealsTo when the stage is empty', async () => {
    const p = await defaultPipeline();
    const deal = await createDeal({ amount: { amount: 1, currency: 'EUR' } });
    await patchDeal(deal.id, { stageId: 'proposal' });
    const after = await putPipeline(p, { stages: p.stages.filter((s) => s.id !== 'qualification') });
    expect(after.stages).toHaveLength(4);
    expect(fake.events.at(-1)).toMatchObject({ type: 'pipeline.updated', data: { removedStages: ['qualification'] } });
  });
});

describe('the deals routes in the OpenAPI document', () => {
  it('declare If-Match and 412 on updates, 409 on a stage in use, 422 on the stage rules', async () => {
    const { openApiDocument } = await import('../../functions/platform/openapi.ts');
    const { routes } = await import('../../functions/routes.ts');
    const doc = openApiDocument(routes) as unknown as {
      paths: Record<string, Record<string, { operationId: string; responses: object; parameters?: { name: string }[] }>>;
    };
    const ops = Object.fromEntries(Object.values(doc.paths).flatMap((item) => Object.values(item).map((o) => [o.operationId, o])));
    for (const id of ['updateDeal', 'deleteDeal', 'updatePipeline']) {
      expect(Object.keys(ops[id]!.responses), id).toContain('412');
      expect(
        ops[id]!.parameters?.map((p) => p.name),
        id,
      ).toContain('If-Match');
    }
    expect(Object.keys(ops.updatePipeline!.responses)).toEqual(expect.arrayContaining(['409', '422']));
    expect(Object.keys(ops.updateDeal!.responses)).toContain('422');
    expect(ops.createDeal!.parameters?.map((p) => p.name)).toContain('Idempotency-Key');
    expect(Object.keys(ops.dealStageHistory!.responses)).toContain('404');
  });
});

describe('changes made once for their cause', () => {
  const actor = systemActor('leads');

  it('creates a deal with a caller-chosen id once: a retry answers the same deal', async () => {
    const id = newId();
    const body = createDealBody.parse({ name: 'From lead', contactIds: [contactId] });
    const first = await service.asActor.create(tenantId, body, actor, id);
    expect(first.id).toBe(id);
    const again = await service.asActor.create(tenantId, { ...body, name: 'Renamed on retry' }, actor, id);
    expect(again).toEqual(first);
    // Two attempts racing: one write, both answer it.
    const other = newId();
    const raced = await Promise.all([
      service.asActor.create(tenantId, body, actor, other),
      service.asActor.create(tenantId, body, actor, other),
    ]);
    expect(raced[0]).toEqual(raced[1]);
    expect(fake.events.filter((e) => e.type === 'deal.created').map((e) => e.data.dealId)).toEqual([id, other]);
  });

  it('moves a deal to a stage once per claim, even after it was moved back', async () => {
    const deal = await createDeal();
    const quote = systemActor('quote', 'Q1');
    expect((await service.asActor.moveToStage(tenantId, deal.id, 'won', quote, 'quote:Q1')).status).toBe('won');
    await patchDeal(deal.id, { stageId: 'qualification' });
    const redelivered = await service.asActor.moveToStage(tenantId, deal.id, 'won', quote, 'quote:Q1');
    expect(redelivered).toMatchObject({ status: 'open', stageId: 'qualification' });
    expect(await fake.repo.claimed(tenantId, deal.id, 'quote:Q1')).toBe(true);
    expect(fake.events.filter((e) => e.type === 'deal.won')).toHaveLength(1);
  });
});
