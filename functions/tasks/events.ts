import { changedFields } from '../../shared/domain/patch.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { Task } from './schemas.ts';

const eventData = (t: Task) => ({
  taskId: t.id,
  contactId: t.contactId,
  ownerId: t.ownerId,
  title: t.title,
  dueAt: t.dueAt,
  status: t.status,
  journeyId: t.journeyId,
});

/** What a new task announces. */
export const taskCreated = (tenantId: string, t: Task): DomainEvent[] => [domainEvent(tenantId, 'task.created', eventData(t))];

/** What a change did, as events: task.updated names the fields; task.completed when it became done. */
export const taskChanged = (tenantId: string, before: Task, after: Task): DomainEvent[] => {
  const completed = after.status === 'done' && before.status !== 'done';
  return [
    domainEvent(tenantId, 'task.updated', { ...eventData(after), changed: changedFields(before, after) }),
    ...(completed ? [domainEvent(tenantId, 'task.completed', { ...eventData(after), completedAt: after.completedAt! })] : []),
  ];
};

/** What a deleted task announces. */
export const taskDeleted = (tenantId: string, t: Task): DomainEvent[] => [
  domainEvent(tenantId, 'task.deleted', { taskId: t.id, contactId: t.contactId }),
];
