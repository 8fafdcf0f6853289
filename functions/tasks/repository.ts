import { deleteQueried } from '../../shared/db/batch.ts';
import { dedupeGuard } from '../../shared/db/dedupe-guard.ts';
import { getItem, listPage, stripKeys } from '../../shared/db/query.ts';
import { atVersion, type Labelled, labelled, put, putNew, remove, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { contactsApi } from '../contacts/api.ts';
import { taskEntities, taskKeys } from './items.ts';
import type { Task, TaskStatus } from './schemas.ts';

/**
 * What a failed task write collided with (the WriteConflict reason):
 * `DEDUPE`, another task holds the dedupe key; `CONTACT`, the contact does not
 * exist; `VERSION`, the task changed (or its id is taken).
 */
export type TaskConflict = 'DEDUPE' | 'CONTACT' | 'VERSION';

const dedupe = dedupeGuard(taskEntities.dedupeGuard, 'taskId');

const taskItem = (tenantId: string, t: Task) => ({
  ...taskKeys.task(tenantId, t.id),
  ...taskKeys.ownerTask(tenantId, t.status, t.ownerId, t.dueAt, t.id),
  ...taskKeys.contactTask(tenantId, t.contactId, t.id),
  entity: taskEntities.task,
  ...t,
});

/** DynamoDB access for tasks; every write carries the events it causes, written to the outbox in its transaction. */
export interface TaskRepository {
  get(tenantId: string, id: string, consistent?: boolean): Promise<Task | undefined>;
  /** The task a dedupe key created, if any (strongly consistent). */
  byDedupeKey(tenantId: string, dedupeKey: string): Promise<Task | undefined>;
  /** WriteConflict `CONTACT` when the contact does not exist, `DEDUPE` when another task holds the key. */
  create(tenantId: string, task: Task, events: DomainEvent[]): Promise<void>;
  /** WriteConflict `VERSION` when the stored task is no longer at `before.version`. */
  update(tenantId: string, before: Task, after: Task, events: DomainEvent[]): Promise<void>;
  /** Removes the task and its dedupe guard; WriteConflict `VERSION` when it changed since read. */
  delete(tenantId: string, task: Task, events: DomainEvent[]): Promise<void>;
  deleteContactTasks(tenantId: string, contactId: string): Promise<void>;
  listByOwner(
    tenantId: string,
    ownerId: string,
    status: TaskStatus,
    limit: number,
    cursor?: string,
  ): Promise<{ items: Task[]; nextCursor?: string }>;
}

export const taskRepository: TaskRepository = {
  async get(tenantId: string, id: string, consistent = false): Promise<Task | undefined> {
    const item = await getItem(taskKeys.task(tenantId, id), consistent);
    return item && stripKeys<Task>(item);
  },

  /** The task a dedupe key created, if any. */
  async byDedupeKey(tenantId: string, dedupeKey: string): Promise<Task | undefined> {
    const taskId = await dedupe.createdBy(taskKeys.taskDedupe(tenantId, dedupeKey));
    return taskId ? this.get(tenantId, taskId, true) : undefined;
  },

  /** One transaction: the task, its dedupe guard (when it has a key) and a check that the contact exists. */
  async create(tenantId: string, t: Task, events: DomainEvent[]): Promise<void> {
    const items: Labelled<TaskConflict>[] = [
      labelled('VERSION', putNew(taskItem(tenantId, t))),
      labelled('CONTACT', contactsApi.transactItems.exists(tenantId, t.contactId)),
    ];
    if (t.dedupeKey) items.push(dedupe.claim(taskKeys.taskDedupe(tenantId, t.dedupeKey), t.id));
    await transact(items, events);
  },

  /** Replaces `before` with `after` unless someone changed it meanwhile; the owner index follows status, owner and due date. */
  async update(tenantId: string, before: Task, after: Task, events: DomainEvent[]): Promise<void> {
    await transact<TaskConflict>(
      [labelled('VERSION', put(taskItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version }))],
      events,
    );
  },

  /** Removes the task and its dedupe guard: a deleted task is gone, and its key may create a new one. */
  async delete(tenantId: string, t: Task, events: DomainEvent[]): Promise<void> {
    const items: Labelled<TaskConflict>[] = [labelled('VERSION', remove(taskKeys.task(tenantId, t.id), ...atVersion(t.version)))];
    if (t.dedupeKey) items.push(labelled('VERSION', remove(taskKeys.taskDedupe(tenantId, t.dedupeKey))));
    await transact(items, events);
  },

  /** Removes every task of a (deleted) contact with its dedupe guard; safe to repeat. */
  async deleteContactTasks(tenantId: string, contactId: string): Promise<void> {
    await deleteQueried(
      {
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': taskKeys.contactTaskPartition(tenantId, contactId) },
      },
      (task) => (task.dedupeKey ? [taskKeys.taskDedupe(tenantId, String(task.dedupeKey))] : []),
    );
  },

  /** An owner's tasks in one status, soonest due first: one query per page. */
  listByOwner: (
    tenantId: string,
    ownerId: string,
    status: TaskStatus,
    limit: number,
    cursor?: string,
  ): Promise<{ items: Task[]; nextCursor?: string }> =>
    listPage<Task>({ index: 'GSI1', partition: taskKeys.ownerTaskPartition(tenantId, status, ownerId) }, { limit, cursor }),
};
