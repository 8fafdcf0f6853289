import { describe, expect, it } from 'vitest';
import { surveyRepository } from '../../functions/surveys/repository.ts';
import { sendSurvey } from '../../functions/surveys/send.ts';
import { createTask } from '../../functions/tasks/create.ts';
import { taskRepository } from '../../functions/tasks/repository.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { type Role, roles } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

// Thursday 4 June 2026, 15:00 UTC
const clock = new ManualClock(new Date('2026-06-04T15:00:00Z'));
const rt = useTestRuntime({ clock });
const as =
  (tenant: string, role: Role, user = `${role}-user`) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], user))(...args);

const contactOf = async (tenant: string, fields: Record<string, unknown> = {}) =>
  (await as(tenant, 'admin')('POST', '/contacts', { firstName: 'Bo', ...fields })).body as { id: string };

describe('tasks', () => {
  it('go with their contact, and so do its survey sends, dedupe guards included', async () => {
    const tenant = uniqueTenant('task-cascade');
    const contact = await contactOf(tenant, { ownerId: 'rep-2', email: 'gone@example.com', consent: { email: { surveys: true } } });
    const { body: task } = await as(tenant, 'sales')('POST', '/tasks', { contactId: contact.id, title: 'Call' });
    const planned = await createTask({
      tenantId: tenant,
      contactId: contact.id,
      title: 'From a journey',
      journeyId: 'j-1',
      dedupeKey: 'run-1.call',
    });
    const survey = await sendSurvey({
      tenantId: tenant,
      contactId: contact.id,
      kind: 'nps',
      question: 'Recommend us?',
      dedupeKey: 'run-1.survey',
    });
    expect(await surveyRepository.get(tenant, survey.sendId, true)).toBeDefined();

    expect((await as(tenant, 'admin')('DELETE', `/contacts/${contact.id}`)).status).toBe(204);
    await rt.settle();
    expect((await as(tenant, 'admin')('GET', `/tasks/${task.id}`)).status).toBe(404);
    expect(await taskRepository.get(tenant, planned.id, true)).toBeUndefined();
    expect(await taskRepository.byDedupeKey(tenant, 'run-1.call')).toBeUndefined();
    expect(await surveyRepository.get(tenant, survey.sendId, true)).toBeUndefined();
    expect(await surveyRepository.byDedupeKey(tenant, 'run-1.survey')).toBeUndefined();
  });

  it('announces its life on the bus: task.created, task.updated with the changed fields, task.completed, task.deleted', async () => {
    const tenant = uniqueTenant('task-events');
    const seen: { type: string; data: Record<string, unknown> }[] = [];
    const stop = rt.bus.onEvent(
      (e) => e.detail.tenantId === tenant && String(e['detail-type']).startsWith('task.') && seen.push(e.detail as never),
    );
    const contact = await contactOf(tenant, { ownerId: 'rep-1' });
    const { body: task } = await as(tenant, 'sales')('POST', '/tasks', { contactId: contact.id, title: 'Send the quote' });
    await as(tenant, 'sales')('PATCH', `/tasks/${task.id}`, { status: 'done' });
    await as(tenant, 'sales')('DELETE', `/tasks/${task.id}`);
    await rt.settle();
    stop();
    const fields = { taskId: task.id, contactId: contact.id, ownerId: 'rep-1', title: 'Send the quote', dueAt: task.dueAt };
    expect(seen.map((e) => [e.type, e.data])).toEqual([
      ['task.created', { ...fields, status: 'open' }],
      ['task.updated', { ...fields, status: 'done', changed: ['status', 'completedAt'] }],
      ['task.completed', { ...fields, status: 'done', completedAt: clock.now().toISOString() }],
      ['task.deleted', { taskId: task.id, contactId: contact.id }],
    ]);
  });

  it('creates a task for the contact’s owner, due the next business day at 09:00 in the contact’s zone', async () => {
    const tenant = uniqueTenant('tasks');
    const contact = await contactOf(tenant, { ownerId: 'rep-7', timeZone: 'Asia/Tokyo' });
    const res = await as(tenant, 'sales')('POST', '/tasks', {
      contactId: contact.id,
      title: 'Call back about the demo',
      notes: 'Ask about seats',
    });
    expect(res.status).toBe(201);
    // Thursday 15:00 UTC is already Friday in Tokyo, so: Monday 09:00 JST
    expect(res.body).toMatchObject({
      ownerId: 'rep-7',
      status: 'open',
      dueAt: '2026-06-08T00:00:00.000Z',
      contactId: contact.id,
      createdBy: 'sales-user',
      version: 1,
    });
    expect(res.headers.get('location')).toBe(`/tasks/${res.body.id}`);
    expect(res.headers.get('etag')).toBe('"1"');
    expect((await as(tenant, 'analyst')('GET', `/tasks/${res.body.id}`)).body).toEqual(res.body);

    const ownerless = await contactOf(tenant);
    const mine = await as(tenant, 'support', 'agent-3')('POST', '/tasks', {
      contactId: ownerless.id,
      title: 'Follow up',
      dueAt: '2026-06-10T12:00:00+02:00',
    });
    expect(mine.body).toMatchObject({ ownerId: 'agent-3', dueAt: '2026-06-10T10:00:00.000Z' });
  });

  it('lists an owner’s open or done tasks, soonest due first, page by page', async () => {
    const tenant = uniqueTenant('task-list');
    const contact = await contactOf(tenant, { ownerId: 'rep-1' });
    const sales = as(tenant, 'sales', 'rep-1');
    for (const dueAt of ['2026-06-12T09:00:00Z', '2026-06-05T09:00:00Z', '2026-06-09T09:00:00Z'])
      await sales('POST', '/tasks', { contactId: contact.id, title: `due ${dueAt}`, dueAt });
    await sales('POST', '/tasks', { contactId: contact.id, title: 'someone else’s', ownerId: 'rep-2' });

    const first = await sales('GET', '/tasks?limit=2');
    expect(first.body.items.map((t: any) => t.dueAt)).toEqual(['2026-06-05T09:00:00.000Z', '2026-06-09T09:00:00.000Z']);
    const rest = await sales('GET', `/tasks?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(rest.body.items.map((t: any) => t.dueAt)).toEqual(['2026-06-12T09:00:00.000Z']);
    expect((await as(tenant, 'analyst')('GET', '/tasks?ownerId=rep-2')).body.items.map((t: any) => t.title)).toEqual(['someone else’s']);
    // a cursor only resumes the listing that made it
    expect((await sales('GET', `/tasks?ownerId=rep-2&cursor=${encodeURIComponent(first.body.nextCursor)}`)).status).toBe(400);

    const soonest = first.body.items[0];
    const done = await sales('PATCH', `/tasks/${soonest.id}`, { status: 'done' }, { 'if-match': '"1"' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', completedAt: '2026-06-04T15:00:00.000Z', version: 2 });
    expect((await sales('GET', '/tasks')).body.items.map((t: any) => t.id)).not.toContain(soonest.id);
    expect((await sales('GET', '/tasks?status=done')).body.items.map((t: any) => t.id)).toEqual([soonest.id]);
  });

  it('updates with If-Match and deletes', async () => {
    const tenant = uniqueTenant('task-edit');
    const contact = await contactOf(tenant, { ownerId: 'rep-1' });
    const sales = as(tenant, 'sales');
    const { body: task } = await sales('POST', '/tasks', { contactId: contact.id, title: 'Call', notes: 'n' });

    const moved = await sales(
      'PATCH',
      `/tasks/${task.id}`,
      { title: 'Email instead', notes: null, dueAt: '2026-06-15T08:00:00Z', ownerId: 'rep-2' },
      { 'if-match': '"1"' },
    );
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ title: 'Email instead', dueAt: '2026-06-15T08:00:00.000Z', ownerId: 'rep-2', version: 2 });
    expect(moved.body).not.toHaveProperty('notes');
    expect((await as(tenant, 'sales', 'rep-2')('GET', '/tasks')).body.items.map((t: any) => t.id)).toEqual([task.id]);
    expect((await as(tenant, 'sales', 'rep-1')('GET', '/tasks')).body.items).toEqual([]);

    const stale = await sales('PATCH', `/tasks/${task.id}`, { title: 'Lost update' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect((await sales('DELETE', `/tasks/${task.id}`, undefined, { 'if-match': '"1"' })).status).toBe(412);
    expect((await sales('DELETE', `/tasks/${task.id}`, undefined, { 'if-match': '"2"' })).status).toBe(204);
    expect((await sales('GET', `/tasks/${task.id}`)).status).toBe(404);
    expect((await sales('PATCH', `/tasks/${task.id}`, { title: 'x' })).status).toBe(404);
    expect((await as(tenant, 'sales', 'rep-2')('GET', '/tasks')).body.items).toEqual([]);
  });

  it('creates one task per dedupe key for the journey engine, even when asked at once', async () => {
    const tenant = uniqueTenant('task-dedupe');
    const contact = await contactOf(tenant, { ownerId: 'rep-1', timeZone: 'America/New_York' });
    const ask = () =>
      createTask({
        tenantId: tenant,
        contactId: contact.id,
        title: 'Follow up on the meeting',
        dedupeKey: 'run-9.step-2',
        journeyId: 'follow-up',
      });
    const tasks = await Promise.all([ask(), ask(), ask(), ask()]);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(1);
    expect(tasks[0]).toMatchObject({
      ownerId: 'rep-1',
      createdBy: 'journey:follow-up',
      dueAt: '2026-06-05T13:00:00.000Z',
      dedupeKey: 'run-9.step-2',
    });
    expect((await as(tenant, 'sales', 'rep-1')('GET', '/tasks')).body.items).toHaveLength(1);
    await expect(
      createTask({ tenantId: tenant, contactId: (await contactOf(tenant)).id, title: 'x', dedupeKey: 'k' }),
    ).rejects.toMatchObject({ kind: 'unprocessable' });
  });

  it('refuses bad input with problem+json and writes nothing', async () => {
    const tenant = uniqueTenant('task-bad');
    const contact = await contactOf(tenant, { ownerId: 'rep-1' });
    const sales = as(tenant, 'sales', 'rep-1');
    const cases: [unknown, string][] = [
      [{ contactId: contact.id }, 'body.title'],
      [{ contactId: contact.id, title: ' ' }, 'body.title'],
      [{ contactId: 'nope', title: 'x' }, 'body.contactId'],
      [{ contactId: contact.id, title: 'x', dueAt: 'tomorrow' }, 'body.dueAt'],
      [{ contactId: contact.id, title: 'x', status: 'done' }, 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await sales('POST', '/tasks', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(Object.keys(res.body.errors)).toContain(field);
    }
    expect((await sales('POST', '/tasks', { contactId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', title: 'x' })).status).toBe(404);
    expect((await sales('GET', '/tasks?status=closed')).status).toBe(400);
    expect((await sales('GET', '/tasks?limit=0')).status).toBe(400);
    expect((await sales('GET', '/tasks?cursor=forged')).status).toBe(400);
    expect((await sales('PATCH', '/tasks/01ARZ3NDEKTSV4RRFFQ69G5FAV', {})).status).toBe(400);
    expect((await sales('GET', '/tasks')).body.items).toEqual([]);
  });

  it('lets sales, support and admin work tasks, analysts read them, and no one reach another tenant’s', async () => {
    const tenant = uniqueTenant('task-roles');
    const contact = await contactOf(tenant, { ownerId: 'rep-1' });
    const { body: task } = await as(tenant, 'admin')('POST', '/tasks', { contactId: contact.id, title: 'Call' });
    for (const role of roles) {
      const call = as(tenant, role, 'rep-1');
      const writes = ['admin', 'sales', 'support'].includes(role);
      const reads = writes || role === 'analyst';
      expect((await call('GET', `/tasks/${task.id}`)).status, role).toBe(reads ? 200 : 403);
      expect((await call('GET', '/tasks')).status, role).toBe(reads ? 200 : 403);
      expect((await call('POST', '/tasks', { contactId: contact.id, title: role })).status, role).toBe(writes ? 201 : 403);
      expect((await call('PATCH', `/tasks/${task.id}`, { notes: role })).status, role).toBe(writes ? 200 : 403);
    }
    const other = as(uniqueTenant('task-other'), 'admin', 'rep-1');
    expect((await other('GET', `/tasks/${task.id}`)).status).toBe(404);
    expect((await other('PATCH', `/tasks/${task.id}`, { title: 'mine' })).status).toBe(404);
    expect((await other('DELETE', `/tasks/${task.id}`)).status).toBe(404);
    expect((await other('GET', '/tasks')).body.items).toEqual([]);
    expect((await other('POST', '/tasks', { contactId: contact.id, title: 'x' })).status).toBe(404);
    expect((await apiClient(rt.url)('GET', '/tasks')).status).toBe(401);
  });
});
