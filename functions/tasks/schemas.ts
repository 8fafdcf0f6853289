import * as z from 'zod';
import { id, isoDateTime, text } from '../../shared/domain/fields.ts';

export const taskStatuses = ['open', 'done'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

const ownerId = text(128);
const title = text(200);
const notes = z.string().trim().max(5000);

/** dueAt defaults to the next business day, 09:00 in the contact's time zone; ownerId to the contact's owner, else the caller. */
export const createTaskBody = z.strictObject({
  contactId: id,
  ownerId: ownerId.optional(),
  title,
  notes: notes.optional(),
  dueAt: isoDateTime.optional(),
});

/** PATCH: any subset; notes: null clears them; status done records completedAt, open clears it. */
export const updateTaskBody = z
  .strictObject({ title, notes: notes.nullable(), dueAt: isoDateTime, status: z.enum(taskStatuses), ownerId })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });

export const listTasksQuery = z.strictObject({
  /** Whose tasks; the caller's own by default. */
  ownerId: ownerId.optional(),
  status: z.enum(taskStatuses).default('open'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export const taskIdParams = z.strictObject({ id });

export const taskResponse = z
  .object({
    id,
    version: z.number().int(),
    contactId: id,
    ownerId: z.string(),
    title: z.string(),
    notes: z.string().optional(),
    dueAt: z.string(),
    status: z.enum(taskStatuses),
    completedAt: z.string().optional(),
    journeyId: z.string().optional(),
    /** The key that made creating this task idempotent (a journey run and step). */
    dedupeKey: z.string().optional(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Task' });
export type Task = z.infer<typeof taskResponse>;
export type TaskPatch = z.output<typeof updateTaskBody>;
