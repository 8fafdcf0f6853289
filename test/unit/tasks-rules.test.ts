import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Contact } from '../../functions/contacts/api.ts';
import { taskCreator } from '../../functions/tasks/create.ts';
import type { Task } from '../../functions/tasks/schemas.ts';
import { taskService } from '../../functions/tasks/service.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { systemClock, useClock } from '../../shared/ports/clock.ts';
import { memoryTasks } from '../support/fakes/tasks.ts';

const tenantId = 'acme';
const withOwner = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const ownerless = '01ARZ3NDEKTSV4RRFFQ69G5FAW';
const contacts: Record<string, Contact> = {
  [withOwner]: { id: withOwner, ownerId: 'rep-7', timeZone: 'Europe/Berlin' } as Contact,
  [ownerless]: { id: ownerless } as Contact,
};
const findContact = async (_t: string, id: string) => contacts[id];
const ctx: RequestContext = { tenantId, userId: 'user-1', roles: ['sales'] };

let now = new Date('2026-03-04T16:00:00Z'); // a Wednesday
beforeEach(() => {
  now = new Date('2026-03-04T16:00:00Z');
  useClock({ now: () => now });
});
afterEach(() => useClock(systemClock));

const setup = () => {
  const fake = memoryTasks(Object.keys(contacts));
  return { ...fake, service: taskService(fake.repo, findContact), create: taskCreator(fake.repo, findContact) };
};
const newTask = async (service: ReturnType<typeof setup>['service'], fields: Record<string, unknown> = {}) =>
  (await service.createTask(
    { params: undefined, query: undefined, body: { contactId: withOwner, title: 'Call back', notes: 'about seats', ...fields } },
    ctx,
  )) as Task;
const patch = (service: ReturnType<typeof setup>['service'], id: string, body: Record<string, unknown>, ifMatch?: number) =>
  service.updateTask({ params: { id }, query: undefined, body, ifMatch }, ctx) as Promise<Task>;

describe('task rules', () => {
  it('creates one task for a dedupe key however many calls race for it, and announces it once', async () => {
    const { create, tasks, events } = setup();
    const request = { tenantId, contactId: withOwner, title: 'Call', dedupeKey: 'run-1.call', createdBy: 'journey:j1' };
    const results = await Promise.all(Array.from({ length: 5 }, () => create(request)));
    expect(new Set(results.map((t) => t.id)).size).toBe(1);
    expect(tasks.size).toBe(1);
    expect(events.filter((e) => e.type === 'task.created')).toHaveLength(1);
    const later = await create({ ...request, title: 'Something else' });
    expect(later).toEqual(results[0]);
  });

  it('gives the task to the contact’s owner, else to the caller; a journey’s task for an ownerless contact is refused', async () => {
    const { service, create, tasks } = setup();
    expect(await newTask(service)).toMatchObject({ ownerId: 'rep-7', createdBy: 'user-1', dueAt: '2026-03-05T08:00:00.000Z' });
    expect(await newTask(service, { contactId: ownerless })).toMatchObject({ ownerId: 'user-1', dueAt: '2026-03-05T09:00:00.000Z' });
    expect(await newTask(service, { contactId: ownerless, ownerId: 'rep-9' })).toMatchObject({ ownerId: 'rep-9' });
    await expect(create({ tenantId, contactId: ownerless, title: 'x', dedupeKey: 'k', createdBy: 'journey:j1' })).rejects.toMatchObject({
      kind: 'unprocessable',
    });
    expect(tasks.size).toBe(3);
  });

  it('answers not found for a contact that is gone by the time the task is written', async () => {
    const fake = memoryTasks([]);
    await expect(newTask(taskService(fake.repo, findContact))).rejects.toMatchObject({ kind: 'not-found' });
    expect(fake.tasks.size).toBe(0);
  });

  it('PATCH keeps the fields it does not name and bumps the version; a stale If-Match is refused', async () => {
    const { service, tasks } = setup();
    const task = await newTask(service);
    now = new Date('2026-03-04T17:00:00Z');
    const after = await patch(service, task.id, { title: 'Email instead' }, 1);
    expect(after).toEqual({ ...task, title: 'Email instead', version: 2, updatedAt: '2026-03-04T17:00:00.000Z' });
    await expect(patch(service, task.id, { title: 'Stale' }, 1)).rejects.toMatchObject({ kind: 'precondition-failed' });
    expect([...tasks.values()][0]).toMatchObject({ title: 'Email instead', version: 2 });

    const cleared = await patch(service, task.id, { notes: null });
    expect(cleared).not.toHaveProperty('notes');
    expect(cleared).toMatchObject({ title: 'Email instead', ownerId: 'rep-7', version: 3 });
  });

  it('PATCH without If-Match retries a lost race on fresh data, so both changes stay', async () => {
    const { service, tasks } = setup();
    const task = await newTask(service);
    await Promise.all([patch(service, task.id, { title: 'New title' }), patch(service, task.id, { ownerId: 'rep-9' })]);
    expect([...tasks.values()][0]).toMatchObject({ title: 'New title', ownerId: 'rep-9', version: 3 });
  });

  it('an unchanged PATCH writes nothing and keeps the version', async () => {
    const { service, events } = setup();
    const task = await newTask(service);
    expect(await patch(service, task.id, { title: task.title })).toEqual(task);
    expect(events.map((e) => e.type)).toEqual(['task.created']);
  });

  it('completing a task records when and emits task.completed once; reopening clears it', async () => {
    const { service, events } = setup();
    const task = await newTask(service);
    now = new Date('2026-03-05T10:00:00Z');
    const done = await patch(service, task.id, { status: 'done' });
    expect(done).toMatchObject({ status: 'done', completedAt: '2026-03-05T10:00:00.000Z' });
    expect(events.map((e) => e.type)).toEqual(['task.created', 'task.updated', 'task.completed']);
    expect(events[1]!.data).toMatchObject({ changed: ['status', 'completedAt'] });
    expect(events[2]!.data).toMatchObject({ taskId: task.id, status: 'done', completedAt: '2026-03-05T10:00:00.000Z' });

    await patch(service, task.id, { title: 'Called', status: 'done' });
    expect(events.filter((e) => e.type === 'task.completed')).toHaveLength(1);
    const reopened = await patch(service, task.id, { status: 'open' });
    expect(reopened).not.toHaveProperty('completedAt');
  });

  it('deleting a task frees its dedupe key; a stale If-Match keeps it', async () => {
    const { service, create, tasks } = setup();
    const request = { tenantId, contactId: withOwner, title: 'Call', dedupeKey: 'run-1.call', createdBy: 'journey:j1' };
    const first = await create(request);
    await expect(
      service.deleteTask({ params: { id: first.id }, query: undefined, body: undefined, ifMatch: 7 }, ctx),
    ).rejects.toMatchObject({ kind: 'precondition-failed' });
    await service.deleteTask({ params: { id: first.id }, query: undefined, body: undefined, ifMatch: 1 }, ctx);
    expect(tasks.size).toBe(0);
    const second = await create(request);
    expect(second.id).not.toBe(first.id);
  });
});
