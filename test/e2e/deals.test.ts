import { describe, expect, it } from 'vitest';
import { dealsApi } from '../../functions/deals/api.ts';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

const rt = useTestRuntime();
const as =
  (tenant: string, role: Role, user = `${role}-user`) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], user))(...args);

const contactOf = async (tenant: string) => (await as(tenant, 'admin')('POST', '/contacts', { firstName: 'Ada' })).body as { id: string };

const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('pipelines and deals', () => {
  it('gives a tenant a default pipeline and serves a board column with one query per page', async () => {
    const tenant = uniqueTenant('deals-board');
    const sales = as(tenant, 'sales', 'rep-1');
    const listed = await as(tenant, 'analyst')('GET', '/pipelines');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    const pipeline = listed.body.items[0];
    expect(pipeline).toMatchObject({ isDefault: true, version: 1 });
    expect((await sales('GET', `/pipelines/${pipeline.id}`)).body).toEqual(pipeline);

    const contact = await contactOf(tenant);
    const made = [];
    for (const name of ['One', 'Two', 'Three']) {
      const res = await sales('POST', '/deals', { name, contactIds: [contact.id], amount: eur(1000) });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`/deals/${res.body.id}`);
      expect(res.headers.get('etag')).toBe('"1"');
      made.push(res.body);
    }
    expect(made[0]).toMatchObject({ pipelineId: pipeline.id, stageId: 'qualification', status: 'open', ownerId: 'rep-1' });
    await sales('PATCH', `/deals/${made[2].id}`, { stageId: 'proposal' });

    const column = `/deals?pipelineId=${pipeline.id}&stageId=qualification`;
    const first = await as(tenant, 'support')('GET', `${column}&limit=1`);
    expect(first.body.items.map((d: any) => d.name)).toEqual(['One']);
    const rest = await as(tenant, 'support')('GET', `${column}&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(rest.body.items.map((d: any) => d.name)).toEqual(['Two']);
    expect((await sales('GET', `/deals?pipelineId=${pipeline.id}&stageId=proposal`)).body.items.map((d: any) => d.name)).toEqual(['Three']);
    expect((await sales('GET', '/deals')).body.items).toHaveLength(3);
    expect((await as(tenant, 'analyst')('GET', '/deals?ownerId=rep-2')).body.items).toEqual([]);
    expect((await sales('GET', `/deals?pipelineId=${pipeline.id}`)).status).toBe(400);

    expect((await dealsApi.openDealsOf({ tenantId: tenant, contactId: contact.id })).map((d) => d.name).sort()).toEqual([
      'One',
      'Three',
      'Two',
    ]);
    const other = await contactOf(tenant);
    expect((await sales('PATCH', `/deals/${made[0].id}`, { contactIds: [other.id] })).status).toBe(200);
    const names = async (contactId: string) => (await dealsApi.openDealsOf({ tenantId: tenant, contactId })).map((d) => d.name).sort();
    expect(await names(contact.id)).toEqual(['Three', 'Two']);
    expect(await names(other.id)).toEqual(['One']);
  });

  it('makes the default pipeline once when the first requests of a tenant race', async () => {
    const tenant = uniqueTenant('deals-first');
    const contact = await contactOf(tenant);
    const answers = await Promise.all([
      as(tenant, 'sales')('GET', '/pipelines'),
      as(tenant, 'analyst')('GET', '/pipelines'),
      as(tenant, 'sales')('POST', '/deals', { name: 'First', contactIds: [contact.id] }),
      as(tenant, 'admin')('POST', '/deals', { name: 'Second', contactIds: [contact.id] }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 201, 201]);
    const ids = new Set([
      answers[0]!.body.items[0].id,
      answers[1]!.body.items[0].id,
      answers[2]!.body.pipelineId,
      answers[3]!.body.pipelineId,
    ]);
    expect(ids.size).toBe(1);
    expect((await as(tenant, 'sales')('GET', '/pipelines')).body.items).toHaveLength(1);
  });

  it('keeps tenants apart and writes only for sales and admin', async () => {
    const tenant = uniqueTenant('deals-tenancy');
    const contact = await contactOf(tenant);
    const { body: deal } = await as(tenant, 'sales')('POST', '/deals', { name: 'Mine', contactIds: [contact.id] });
    const other = uniqueTenant('deals-other');
    expect((await as(other, 'admin')('GET', `/deals/${deal.id}`)).status).toBe(404);
    expect((await as(other, 'admin')('PATCH', `/deals/${deal.id}`, { name: 'theirs' })).status).toBe(404);
    expect((await as(other, 'admin')('GET', `/deals/${deal.id}/stage-history`)).status).toBe(404);
    expect((await as(other, 'admin')('GET', `/pipelines/${deal.pipelineId}`)).status).toBe(404); // each tenant has its own default
    expect((await as(other, 'admin')('GET', `/deals?pipelineId=${deal.pipelineId}&stageId=qualification`)).body.items).toEqual([]);
    // a contact of tenant A is not one of tenant B
    expect((await as(other, 'sales')('POST', '/deals', { name: 'x', contactIds: [contact.id] })).status).toBe(422);

    for (const role of ['marketing', 'analyst', 'support'] as const) {
      expect((await as(tenant, role)('POST', '/deals', { name: 'No', contactIds: [contact.id] })).status, role).toBe(403);
      expect((await as(tenant, role)('PATCH', `/deals/${deal.id}`, { name: 'No' })).status, role).toBe(403);
      expect((await as(tenant, role)('POST', '/pipelines', { name: 'No', stages: [] })).status, role).toBe(403);
    }
    expect((await as(tenant, 'marketing')('GET', `/deals/${deal.id}`)).status).toBe(403);
    expect((await as(tenant, 'analyst')('GET', `/deals/${deal.id}`)).status).toBe(200);
  });

  it('replays a POST with the same Idempotency-Key, refuses a stale If-Match and names missing required fields', async () => {
    const tenant = uniqueTenant('deals-writes');
    const sales = as(tenant, 'sales');
    const contact = await contactOf(tenant);
    const body = { name: 'Once', contactIds: [contact.id] };
    const first = await sales('POST', '/deals', body, { 'idempotency-key': 'deal-1' });
    const again = await sales('POST', '/deals', body, { 'idempotency-key': 'deal-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect((await sales('GET', '/deals')).body.items).toHaveLength(1);

    const refused = await sales('PATCH', `/deals/${first.body.id}`, { stageId: 'negotiation' }, { 'if-match': '"1"' });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(Object.keys(refused.body.errors).sort()).toEqual(['body.amount', 'body.closeDate']);
    expect((await sales('PATCH', `/deals/${first.body.id}`, { stageId: 'lost' })).body.errors).toHaveProperty(['body.lostReason']);

    const moved = await sales('PATCH', `/deals/${first.body.id}`, { amount: eur(50_00) }, { 'if-match': '"1"' });
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).toBe('"2"');
    expect((await sales('PATCH', `/deals/${first.body.id}`, { name: 'Stale' }, { 'if-match': '"1"' })).status).toBe(412);
    expect(
      (await sales('POST', '/deals', { name: 'Bad', contactIds: [contact.id], amount: { amount: 1.5, currency: 'eur' } })).status,
    ).toBe(400);
    expect((await sales('GET', '/deals')).body.items).toHaveLength(1);
    expect((await sales('DELETE', `/deals/${first.body.id}`, undefined, { 'if-match': '"1"' })).status).toBe(412);
    expect((await sales('DELETE', `/deals/${first.body.id}`, undefined, { 'if-match': '"2"' })).status).toBe(204);
    expect((await sales('GET', `/deals/${first.body.id}`)).status).toBe(404);
  });

  it('announces stage changes on the bus and keeps their history', async () => {
    const tenant = uniqueTenant('deals-events');
    const seen: { type: string; data: Record<string, unknown> }[] = [];
    const stop = rt.bus.onEvent(
      (e) => e.detail.tenantId === tenant && String(e['detail-type']).startsWith('deal.') && seen.push(e.detail as never),
    );
    const sales = as(tenant, 'sales', 'rep-9');
    const contact = await contactOf(tenant);
    const { body: deal } = await sales('POST', '/deals', { name: 'Move me', contactIds: [contact.id], amount: eur(700) });
    await sales('PATCH', `/deals/${deal.id}`, { stageId: 'proposal' });
    await sales('PATCH', `/deals/${deal.id}`, { stageId: 'won' });
    await rt.settle();
    stop();
    expect(seen.map((e) => e.type)).toEqual([
      'deal.created',
      'deal.updated',
      'deal.stage_changed',
      'deal.updated',
      'deal.stage_changed',
      'deal.won',
    ]);
    expect(seen[2]!.data).toMatchObject({
      dealId: deal.id,
      contactId: contact.id,
      pipeline: deal.pipelineId,
      fromStage: 'qualification',
      toStage: 'proposal',
      amount: eur(700),
      stageKind: 'open',
    });
    const history = await as(tenant, 'analyst')('GET', `/deals/${deal.id}/stage-history`);
    expect(history.body.items.map((h: any) => [h.fromStage, h.toStage, h.by])).toEqual([
      [undefined, 'qualification', 'rep-9'],
      ['qualification', 'proposal', 'rep-9'],
      ['proposal', 'won', 'rep-9'],
    ]);
    expect(history.body.items[1].msInPreviousStage).toBeGreaterThanOrEqual(0);
  });

  it('loses nothing to concurrent PATCHes', async () => {
    const tenant = uniqueTenant('deals-race');
    const sales = as(tenant, 'sales');
    const contact = await contactOf(tenant);
    const { body: deal } = await sales('POST', '/deals', { name: 'Busy', contactIds: [contact.id] });
    const answers = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((k) => sales('PATCH', `/deals/${deal.id}`, { attributes: { [k]: true } })),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const after = (await sales('GET', `/deals/${deal.id}`)).body;
    expect(after.attributes).toEqual({ a: true, b: true, c: true, d: true, e: true });
    expect(after.version).toBe(6);
  });

  it('refuses to remove a stage in use unless moveDealsTo names where its deals go', async () => {
    const tenant = uniqueTenant('deals-stages');
    const admin = as(tenant, 'admin');
    const contact = await contactOf(tenant);
    const created = await admin('POST', '/pipelines', {
      name: 'Renewals',
      stages: [
        { id: 'due', name: 'Due', probability: 50, forecastCategory: 'pipeline', kind: 'open' },
        { id: 'talking', name: 'Talking', probability: 60, forecastCategory: 'best_case', kind: 'open', requiredFields: ['closeDate'] },
        { id: 'renewed', name: 'Renewed', probability: 100, forecastCategory: 'closed', kind: 'won' },
      ],
    });
    expect(created.status).toBe(201);
    const p = created.body;
    const { body: deal } = await admin('POST', '/deals', { name: 'Acme renewal', pipelineId: p.id, contactIds: [contact.id] });
    expect(deal.stageId).toBe('due');
    const kept = p.stages.filter((s: any) => s.id !== 'due');
    const inUse = await admin('PUT', `/pipelines/${p.id}`, { name: p.name, stages: kept }, { 'if-match': '"1"' });
    expect(inUse.status).toBe(409);
    expect(inUse.body.stagesInUse).toEqual([{ stageId: 'due', deals: 1 }]);
    const stages = [{ id: 'up-next', name: 'Up next', probability: 40, forecastCategory: 'pipeline', kind: 'open' }, ...kept];
    const moved = await admin(
      'PUT',
      `/pipelines/${p.id}`,
      { name: p.name, stages, moveDealsTo: { due: 'up-next' } },
      { 'if-match': '"1"' },
    );
    expect(moved.status).toBe(200);
    expect(moved.body.stages.map((s: any) => s.id)).toEqual(['up-next', 'talking', 'renewed']);
    expect((await admin('GET', `/deals/${deal.id}`)).body).toMatchObject({ stageId: 'up-next', version: 2 });
    expect((await admin('GET', `/deals/${deal.id}/stage-history`)).body.items.at(-1)).toMatchObject({
      fromStage: 'due',
      toStage: 'up-next',
    });
    expect((await admin('PUT', `/pipelines/${p.id}`, { name: 'x', stages }, { 'if-match': '"1"' })).status).toBe(412);
  });
});
