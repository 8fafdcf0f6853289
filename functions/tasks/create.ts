import { isWriteConflict } from '../../shared/db/transact.ts';
import { notFound, unprocessable } from '../../shared/errors.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { retry } from '../../shared/retry.ts';
import { type Contact, contactsApi } from '../contacts/api.ts';
import { nextBusinessDay } from './business-day.ts';
import { taskCreated } from './events.ts';
import { type TaskConflict, type TaskRepository, taskRepository } from './repository.ts';
import type { Task } from './schemas.ts';

/** A contact by id, read strongly consistent: a task is never given to a contact that does not exist. */
export type ContactLookup = (tenantId: string, contactId: string) => Promise<Contact | undefined>;

/** A task for a contact's owner, as other contexts (the journey engine) ask for one. */
export interface CreateTaskRequest {
  tenantId: string;
  contactId: string;
  /** Defaults to the contact's owner. */
  ownerId?: string;
  title: string;
  notes?: string;
  /** ISO 8601; defaults to the next business day, 09:00 in the contact's time zone (UTC when it has none). */
  dueAt?: string;
  /** The same key never creates a second task, e.g. `${runId}.${stepId}`. */
  dedupeKey: string;
  journeyId?: string;
}

/** What the HTTP route adds: who asks, and whose task it becomes when the contact has no owner. */
export interface NewTask extends Omit<CreateTaskRequest, 'dedupeKey'> {
  dedupeKey?: string;
  createdBy: string;
  fallbackOwnerId?: string;
}

/**
 * Creates the task, or answers the one its dedupe key made before. A
 * concurrent call with the same key that wrote first makes this one's guard
 * fail: the next round reads and answers the winner's task.
 */
export const taskCreator =
  (repo: TaskRepository, findContact: ContactLookup) =>
  (request: NewTask): Promise<Task> => {
    const { tenantId, dedupeKey } = request;
    return retry(
      async () => {
        if (dedupeKey) {
          const existing = await repo.byDedupeKey(tenantId, dedupeKey);
          if (existing) return existing;
        }
        const contact = await findContact(tenantId, request.contactId);
        if (!contact) throw notFound('contact');
        const ownerId = request.ownerId ?? contact.ownerId ?? request.fallbackOwnerId;
        if (!ownerId)
          throw unprocessable('the contact has no owner; give ownerId', {
            errors: { ownerId: ['required when the contact has no owner'] },
          });
        const now = clock().now();
        const task: Task = {
          id: newId(),
          version: 1,
          contactId: contact.id,
          ownerId,
          title: request.title,
          notes: request.notes,
          dueAt: request.dueAt ?? nextBusinessDay(now, contact.timeZone).toISOString(),
          status: 'open',
          journeyId: request.journeyId,
          dedupeKey,
          createdBy: request.createdBy,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
        };
        try {
          await repo.create(tenantId, task, taskCreated(tenantId, task));
          return task;
        } catch (error) {
          if (isWriteConflict(error, 'CONTACT')) throw notFound('contact');
          throw error;
        }
      },
      { attempts: 3, retryOn: (error) => isWriteConflict<TaskConflict>(error, 'DEDUPE', 'VERSION') },
    );
  };

/** Creates a task for the contact's owner; idempotent by dedupeKey. */
export const createTask = (request: CreateTaskRequest): Promise<Task> =>
  taskCreator(taskRepository, (tenantId, contactId) => contactsApi.get({ tenantId, contactId }))({
    ...request,
    createdBy: request.journeyId ? `journey:${request.journeyId}` : 'system',
  });
