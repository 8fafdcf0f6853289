import { nextBusinessDay } from './business-day.ts';
import { type CreateTaskRequest, createTask } from './create.ts';

export type { CreateTaskRequest } from './create.ts';
export type { Task } from './schemas.ts';

/** What other contexts may ask of tasks. */
export const tasksApi = {
  /** A task for a contact's owner; the same dedupeKey never creates a second one. Answers the task's id. */
  create: async (request: CreateTaskRequest): Promise<string> => (await createTask(request)).id,
  /** 09:00 (or `at`) on the business day after `from`, in `timeZone`. */
  nextBusinessDay: ({ from, timeZone, at }: { from: Date; timeZone?: string; at?: string }): Date => nextBusinessDay(from, timeZone, at),
};
export type TasksApi = typeof tasksApi;
