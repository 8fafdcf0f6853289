import { isWriteConflict } from '../../shared/db/transact.ts';
import { applyPatch, changedFields } from '../../shared/domain/patch.ts';
import { notFound, preconditionFailed } from '../../shared/errors.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { retry } from '../../shared/retry.ts';
import { type ContactLookup, taskCreator } from './create.ts';
import { taskChanged, taskDeleted } from './events.ts';
import type { TaskConflict, TaskRepository } from './repository.ts';
import type { taskRoutes } from './routes.ts';
import type { Task, TaskPatch } from './schemas.ts';

/** The task after a PATCH (the shared PATCH rules); completedAt follows the status. */
export const patchTask = (before: Task, patch: TaskPatch, now: string): Task => {
  const after = applyPatch(before, patch, now);
  if (after.status === 'done' && before.status !== 'done') after.completedAt = now;
  if (after.status === 'open') delete after.completedAt;
  return after;
};

export const taskService = (repo: TaskRepository, findContact: ContactLookup) => {
  const create = taskCreator(repo, findContact);

  /** Read, check If-Match, write conditioned on the version read; without If-Match a lost race is retried on fresh data. */
  const change = <T>(tenantId: string, id: string, ifMatch: number | undefined, write: (before: Task) => Promise<T>) =>
    retry(
      async () => {
        const before = await repo.get(tenantId, id, true);
        if (!before) throw notFound('task');
        if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
        try {
          return await write(before);
        } catch (error) {
          if (ifMatch !== undefined && isWriteConflict(error, 'VERSION')) throw preconditionFailed();
          throw error;
        }
      },
      { attempts: 3, retryOn: (error) => isWriteConflict<TaskConflict>(error, 'VERSION') },
    );

  const service: ServiceFor<typeof taskRoutes, RequestContext> = {
    createTask: ({ body }, ctx) => create({ ...body, tenantId: ctx.tenantId, createdBy: ctx.userId, fallbackOwnerId: ctx.userId }),

    listTasks: ({ query }, ctx) => repo.listByOwner(ctx.tenantId, query.ownerId ?? ctx.userId, query.status, query.limit, query.cursor),

    async getTask({ params }, ctx) {
      const task = await repo.get(ctx.tenantId, params.id);
      if (!task) throw notFound('task');
      return task;
    },

    updateTask: ({ params, body, ifMatch }, ctx) =>
      change(ctx.tenantId, params.id, ifMatch, async (before) => {
        const after = patchTask(before, body, clock().now().toISOString());
        if (!changedFields(before, after).length) return before;
        await repo.update(ctx.tenantId, before, after, taskChanged(ctx.tenantId, before, after));
        return after;
      }),

    deleteTask: ({ params, ifMatch }, ctx) =>
      change(ctx.tenantId, params.id, ifMatch, async (task) => {
        await repo.delete(ctx.tenantId, task, taskDeleted(ctx.tenantId, task));
        return undefined;
      }),
  };
  return service;
};
