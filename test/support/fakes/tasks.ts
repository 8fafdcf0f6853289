import type { TaskConflict, TaskRepository } from '../../../functions/tasks/repository.ts';
import type { Task } from '../../../functions/tasks/schemas.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';

const fail = (reasons: TaskConflict[]) => {
  if (reasons.length) throw new WriteConflict(reasons[0]!, reasons);
};
/** Lets other calls run between a read and a write, as a round trip to DynamoDB does. */
const roundTrip = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * TaskRepository in memory, with the DynamoDB one's conditions, checked and
 * applied in one step as a transaction does: a task id in use or a changed
 * version fails with `VERSION`, a contact not in `contactIds` with `CONTACT`,
 * a taken dedupe key with `DEDUPE` (in that order, as the items are labelled).
 */
export const memoryTasks = (contactIds: Iterable<string>) => {
  const contacts = new Set(contactIds);
  const tasks = new Map<string, Task>();
  const guards = new Map<string, string>();
  const events: DomainEvent[] = [];
  const key = (tenantId: string, id: string) => `${tenantId}|${id}`;
  const stored = (tenantId: string, id: string) => tasks.get(key(tenantId, id));

  const repo: TaskRepository = {
    async get(tenantId, id) {
      await roundTrip();
      return structuredClone(stored(tenantId, id));
    },
    async byDedupeKey(tenantId, dedupeKey) {
      await roundTrip();
      const id = guards.get(key(tenantId, dedupeKey));
      return id ? structuredClone(stored(tenantId, id)) : undefined;
    },
    async create(tenantId, task, taskEvents) {
      await roundTrip();
      fail([
        ...(stored(tenantId, task.id) ? (['VERSION'] as const) : []),
        ...(contacts.has(task.contactId) ? [] : (['CONTACT'] as const)),
        ...(task.dedupeKey && guards.has(key(tenantId, task.dedupeKey)) ? (['DEDUPE'] as const) : []),
      ]);
      tasks.set(key(tenantId, task.id), structuredClone(task));
      if (task.dedupeKey) guards.set(key(tenantId, task.dedupeKey), task.id);
      events.push(...taskEvents);
    },
    async update(tenantId, before, after, taskEvents) {
      await roundTrip();
      fail(stored(tenantId, before.id)?.version === before.version ? [] : ['VERSION']);
      tasks.set(key(tenantId, after.id), structuredClone(after));
      events.push(...taskEvents);
    },
    async delete(tenantId, task, taskEvents) {
      await roundTrip();
      fail(stored(tenantId, task.id)?.version === task.version ? [] : ['VERSION']);
      tasks.delete(key(tenantId, task.id));
      if (task.dedupeKey) guards.delete(key(tenantId, task.dedupeKey));
      events.push(...taskEvents);
    },
    async deleteContactTasks(tenantId, contactId) {
      await roundTrip();
      for (const [k, t] of tasks)
        if (k.startsWith(`${tenantId}|`) && t.contactId === contactId) {
          tasks.delete(k);
          if (t.dedupeKey) guards.delete(key(tenantId, t.dedupeKey));
        }
    },
    async listByOwner(tenantId, ownerId, status, limit, cursor) {
      await roundTrip();
      const all = [...tasks.entries()]
        .filter(([k, t]) => k.startsWith(`${tenantId}|`) && t.ownerId === ownerId && t.status === status)
        .map(([, t]) => t)
        .sort((a, b) => `${a.dueAt}#${a.id}`.localeCompare(`${b.dueAt}#${b.id}`));
      const start = cursor ? Number(cursor) : 0;
      return {
        items: all.slice(start, start + limit).map((t) => structuredClone(t)),
        nextCursor: start + limit < all.length ? String(start + limit) : undefined,
      };
    },
  };
  return { repo, tasks, guards, events };
};
