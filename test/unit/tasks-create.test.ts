import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Contact } from '../../functions/contacts/schemas.ts';
import { taskCreator } from '../../functions/tasks/create.ts';
import type { TaskRepository } from '../../functions/tasks/repository.ts';
import type { Task } from '../../functions/tasks/schemas.ts';
import { patchTask } from '../../functions/tasks/service.ts';
import { WriteConflict } from '../../shared/db/transact.ts';
import { DomainError } from '../../shared/errors.ts';
import { systemClock, useClock } from '../../shared/ports/clock.ts';
import { memoryTasks } from '../support/fakes/tasks.ts';

const contactId = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const contact = (fields: Partial<Contact> = {}) => ({ id: contactId, ...fields }) as Contact;

const memoryRepo = () => memoryTasks([contactId]);

const request = { tenantId: 'acme', contactId, title: 'Call back about the demo', createdBy: 'journey:j1' };

beforeEach(() => useClock({ now: () => new Date('2026-03-06T16:00:00Z') })); // a Friday
afterEach(() => useClock(systemClock));

describe('createTask', () => {
  it('gives the task to the contact’s owner, due the next business day at 09:00 in the contact’s zone', async () => {
    const { repo } = memoryRepo();
    const task = await taskCreator(repo, async () => contact({ ownerId: 'rep-7', timeZone: 'America/New_York' }))({
      ...request,
      dedupeKey: 'run1.s2',
    });
    expect(task).toMatchObject({
      ownerId: 'rep-7',
      status: 'open',
      dueAt: '2026-03-09T13:00:00.000Z',
      contactId,
      dedupeKey: 'run1.s2',
      version: 1,
    });
  });

  it('prefers an explicit owner and due date, and falls back to the caller when the contact has no owner', async () => {
    const { repo } = memoryRepo();
    const explicit = await taskCreator(repo, async () => contact({ ownerId: 'rep-7' }))({
      ...request,
      ownerId: 'rep-9',
      dueAt: '2026-04-01T10:00:00.000Z',
    });
    expect(explicit).toMatchObject({ ownerId: 'rep-9', dueAt: '2026-04-01T10:00:00.000Z' });
    const fallback = await taskCreator(repo, async () => contact())({ ...request, fallbackOwnerId: 'user-1' });
    expect(fallback).toMatchObject({ ownerId: 'user-1', dueAt: '2026-03-09T09:00:00.000Z' });
  });

  it('refuses a contact without an owner when no one else is named, and an unknown contact', async () => {
    const { repo, tasks } = memoryRepo();
    await expect(taskCreator(repo, async () => contact())(request)).rejects.toMatchObject({ kind: 'unprocessable' });
    await expect(taskCreator(repo, async () => undefined)(request)).rejects.toBeInstanceOf(DomainError);
    expect(tasks.size).toBe(0);
  });

  it('creates one task per dedupe key, however often it is asked', async () => {
    const { repo, tasks } = memoryRepo();
    const create = taskCreator(repo, async () => contact({ ownerId: 'rep-7' }));
    const first = await create({ ...request, dedupeKey: 'run1.s2' });
    const again = await create({ ...request, dedupeKey: 'run1.s2', title: 'changed' });
    expect(again).toEqual(first);
    const other = await create({ ...request, dedupeKey: 'run1.s3' });
    expect(other.id).not.toBe(first.id);
    expect(tasks.size).toBe(2);
  });

  it('returns the winner’s task when a concurrent call with the same key wrote first', async () => {
    const { repo, tasks, guards } = memoryRepo();
    const winner = { id: 'winner', dedupeKey: 'run1.s2' } as Task;
    let raced = false;
    const racing = {
      ...repo,
      byDedupeKey: async (t: string, key: string) => (raced ? repo.byDedupeKey(t, key) : undefined),
      async create() {
        raced = true;
        tasks.set(`acme|${winner.id}`, winner);
        guards.set('acme|run1.s2', winner.id);
        throw new WriteConflict('DEDUPE', ['DEDUPE']);
      },
    } as TaskRepository;
    expect(await taskCreator(racing, async () => contact({ ownerId: 'rep-7' }))({ ...request, dedupeKey: 'run1.s2' })).toEqual(winner);
  });
});

describe('patchTask', () => {
  const open: Task = {
    id: 't',
    version: 2,
    contactId,
    ownerId: 'rep-7',
    title: 'Call',
    notes: 'ask about seats',
    dueAt: '2026-03-09T09:00:00.000Z',
    status: 'open',
    createdBy: 'u',
    createdAt: 'c',
    updatedAt: 'u',
  };

  it('records completion when done and clears it when reopened', () => {
    const done = patchTask(open, { status: 'done' }, '2026-03-09T10:00:00.000Z');
    expect(done).toMatchObject({ status: 'done', completedAt: '2026-03-09T10:00:00.000Z', version: 3 });
    expect(patchTask(done, { status: 'done' }, 'later').completedAt).toBe('2026-03-09T10:00:00.000Z');
    expect(patchTask(done, { status: 'open' }, 'later')).not.toHaveProperty('completedAt');
  });

  it('replaces given fields and removes notes given as null', () => {
    const after = patchTask(open, { title: 'Email instead', notes: null, dueAt: '2026-03-10T09:00:00.000Z' }, 'now');
    expect(after).toMatchObject({ title: 'Email instead', dueAt: '2026-03-10T09:00:00.000Z', ownerId: 'rep-7' });
    expect(after).not.toHaveProperty('notes');
  });
});
