import { deleteQueried } from '../../shared/db/batch.ts';
import { getItem, queryPage, stripKeys } from '../../shared/db/query.ts';
import { atVersion, put, putNew, remove, type TransactItem, TransactionConflict, writeWithEvents } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import { contactsApi } from '../contacts/api.ts';
import { taskKeys as keys, taskEntities } from './items.ts';
import type { Task, TaskStatus } from './schemas.ts';

/** What a failed task write collided with. */
export class TaskWriteConflict extends Error {
  constructor(readonly reason: 'DEDUPE' | 'CONTACT' | 'VERSION') {
    super(`task write conflict: ${reason}`);
  }
}

const taskItem = (tenantId: string, t: Task) => ({
  ...keys.task(tenantId, t.id),
  ...keys.ownerTask(tenantId, t.status, t.ownerId, t.dueAt, t.id),
  ...keys.contactTask(tenantId, t.contactId, t.id),
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

/** The fields a change touched, bookkeeping aside. */
export const changedFields = (before: Task, after: Task) =>
  (Object.keys({ ...before, ...after }) as (keyof Task)[]).filter((k) => !['version', 'updatedAt'].includes(k) && before[k] !== after[k]);

/** What a change did, as events: task.updated names the fields; task.completed when it became done. */
const changeEvents = (tenantId: string, before: Task, after: Task) => {
  const changed = changedFields(before, after);
  const completed = after.status === 'done' && before.status !== 'done';
  return [
    domainEvent(tenantId, 'task.updated', { ...eventData(after), changed }),
    ...(completed ? [domainEvent(tenantId, 'task.completed', { ...eventData(after), completedAt: after.completedAt! })] : []),
  ];
};

/** Runs a transaction with its events (written to the outbox in it); a failed condition names what collided. */
const write = async (labeled: (readonly [TaskWriteConflict['reason'], TransactItem])[], events: DomainEvent[]) => {
  try {
    await writeWithEvents(
      labeled.map(([, item]) => item),
      events,
    );
  } catch (error) {
    if (error instanceof TransactionConflict) throw new TaskWriteConflict(labeled[error.failed[0]!]?.[0] ?? 'VERSION');
    throw error;
  }
};

export const taskRepository = {
  async get(tenantId: string, id: string, consistent = false): Promise<Task | undefined> {
    const item = await getItem(keys.task(tenantId, id), consistent);
    return item && stripKeys<Task>(item);
  },

  /** The task a dedupe key created, if any. */
  async byDedupeKey(tenantId: string, dedupeKey: string): Promise<Task | undefined> {
    const guard = await getItem(keys.taskDedupe(tenantId, dedupeKey), true);
    return guard ? this.get(tenantId, String(guard.taskId), true) : undefined;
  },

  /** One transaction: the task, its dedupe guard (when it has a key) and a check that the contact exists. */
  async create(tenantId: string, t: Task) {
    await write(
      [
        ['VERSION', putNew(taskItem(tenantId, t))],
        ['CONTACT', contactsApi.transactItems.exists(tenantId, t.contactId)],
        ...(t.dedupeKey
          ? [['DEDUPE', putNew({ ...keys.taskDedupe(tenantId, t.dedupeKey), entity: taskEntities.dedupeGuard, taskId: t.id })] as const]
          : []),
      ],
      [domainEvent(tenantId, 'task.created', eventData(t))],
    );
  },

  /** Replaces `before` with `after` unless someone changed it meanwhile; the owner index follows status, owner and due date. */
  async update(tenantId: string, before: Task, after: Task) {
    await write(
      [['VERSION', put(taskItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version })]],
      changeEvents(tenantId, before, after),
    );
  },

  /** Removes the task and its dedupe guard: a deleted task is gone, and its key may create a new one. */
  async delete(tenantId: string, t: Task) {
    await write(
      [
        ['VERSION', remove(keys.task(tenantId, t.id), ...atVersion(t.version))],
        ...(t.dedupeKey ? [['VERSION', remove(keys.taskDedupe(tenantId, t.dedupeKey))] as const] : []),
      ],
      [domainEvent(tenantId, 'task.deleted', { taskId: t.id, contactId: t.contactId })],
    );
  },

  /** Removes every task of a (deleted) contact with its dedupe guard; safe to repeat. */
  async deleteContactTasks(tenantId: string, contactId: string) {
    await deleteQueried(
      {
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.contactTaskPartition(tenantId, contactId) },
      },
      (task) => (task.dedupeKey ? [keys.taskDedupe(tenantId, String(task.dedupeKey))] : []),
    );
  },

  /** An owner's tasks in one status, soonest due first: one query per page. */
  async listByOwner(tenantId: string, ownerId: string, status: TaskStatus, limit: number, cursor?: string) {
    const partition = keys.ownerTaskPartition(tenantId, status, ownerId);
    const page = await queryPage(
      { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': partition } },
      { limit, cursor, scope: partition },
    );
    return { items: page.items.map((i) => stripKeys<Task>(i)), nextCursor: page.nextCursor };
  },
};
export type TaskRepository = typeof taskRepository;
