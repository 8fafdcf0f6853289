import { deleteQueried } from '../../shared/db/batch.ts';
import { dedupeGuard } from '../../shared/db/dedupe-guard.ts';
import { getItem, listPage, stripKeys } from '../../shared/db/query.ts';
import { atVersion, type Labelled, labelled, put, putNew, remove, transact } from '../../shared/db/transact.ts';
import { changedFields } from '../../shared/domain/patch.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
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

const eventData = (t: Task) => ({
  taskId: t.id,
  contactId: t.contactId,
  ownerId: t.ownerId,
  title: t.title,
  dueAt: t.dueAt,
  status: t.status,
  journeyId: t.journeyId,
});

/** What a change did, as events: task.updated names the fields; task.completed when it became done. */
const changeEvents = (tenantId: string, before: Task, after: Task) => {
  const completed = after.status === 'done' && before.status !== 'done';
  return [
    domainEvent(tenantId, 'task.updated', { ...eventData(after), changed: changedFields(before, after) }),
    ...(completed ? [domainEvent(tenantId, 'task.completed', { ...eventData(after), completedAt: after.completedAt! })] : []),
  ];
};

export const taskRepository = {
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
  async create(tenantId: string, t: Task): Promise<void> {
    const items: Labelled<TaskConflict>[] = [
      labelled('VERSION', putNew(taskItem(tenantId, t))),
      labelled('CONTACT', contactsApi.transactItems.exists(tenantId, t.contactId)),
    ];
    if (t.dedupeKey) items.push(dedupe.claim(taskKeys.taskDedupe(tenantId, t.dedupeKey), t.id));
    await transact(items, [domainEvent(tenantId, 'task.created', eventData(t))]);
  },

  /** Replaces `before` with `after` unless someone changed it meanwhile; the owner index follows status, owner and due date. */
  async update(tenantId: string, before: Task, after: Task): Promise<void> {
    await transact<TaskConflict>(
      [labelled('VERSION', put(taskItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version }))],
      changeEvents(tenantId, before, after),
    );
  },

  /** Removes the task and its dedupe guard: a deleted task is gone, and its key may create a new one. */
  async delete(tenantId: string, t: Task): Promise<void> {
    const items: Labelled<TaskConflict>[] = [labelled('VERSION', remove(taskKeys.task(tenantId, t.id), ...atVersion(t.version)))];
    if (t.dedupeKey) items.push(labelled('VERSION', remove(taskKeys.taskDedupe(tenantId, t.dedupeKey))));
    await transact(items, [domainEvent(tenantId, 'task.deleted', { taskId: t.id, contactId: t.contactId })]);
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
export type TaskRepository = typeof taskRepository;
