import { keys } from '../../shared/db/keys.ts';
import { getItem, queryPage, stripKeys } from '../../shared/db/query.ts';
import { atVersion, put, putNew, remove, TransactionConflict, writeWithEvents, type TransactItem } from '../../shared/db/transact.ts';
import { contactExists } from '../contacts/timeline-link.ts';
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
  entity: 'TASK',
  ...t,
});

/** Runs a transaction (no domain events: none are declared for tasks); a failed condition names what collided. */
const write = async (labeled: (readonly [TaskWriteConflict['reason'], TransactItem])[]) => {
  try {
    await writeWithEvents(labeled.map(([, item]) => item), []);
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
    await write([
      ['VERSION', putNew(taskItem(tenantId, t))],
      ['CONTACT', contactExists(tenantId, t.contactId)],
      ...(t.dedupeKey ? [['DEDUPE', putNew({ ...keys.taskDedupe(tenantId, t.dedupeKey), entity: 'TASK_DEDUPE', taskId: t.id })] as const] : []),
    ]);
  },

  /** Replaces `before` with `after` unless someone changed it meanwhile; the owner index follows status, owner and due date. */
  async update(tenantId: string, before: Task, after: Task) {
    await write([['VERSION', put(taskItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version })]]);
  },

  /** Removes the task and its dedupe guard: a deleted task is gone, and its key may create a new one. */
  async delete(tenantId: string, t: Task) {
    await write([
      ['VERSION', remove(keys.task(tenantId, t.id), ...atVersion(t.version))],
      ...(t.dedupeKey ? [['VERSION', remove(keys.taskDedupe(tenantId, t.dedupeKey))] as const] : []),
    ]);
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
