import { page } from '../../shared/domain/fields.ts';
import type { Role } from '../../shared/http/route.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import { createTaskBody, listTasksQuery, taskIdParams, taskResponse, updateTaskBody } from './schemas.ts';

/** Staff who work tasks; analysts only read them. */
const taskWriters: readonly Role[] = ['admin', 'sales', 'support'];
const taskReaders: readonly Role[] = [...taskWriters, 'analyst'];

export const taskRoutes = defineRoutes('tasks', {
  createTask: {
    method: 'POST',
    path: '/tasks',
    summary: 'Create a task about a contact, for its owner unless ownerId names someone (due the next business day by default)',
    roles: taskWriters,
    body: createTaskBody,
    response: taskResponse,
    status: 201,
    location: '/tasks/{id}',
    notFound: 'contactId names no contact',
    unprocessable: 'the contact has no owner and ownerId is missing',
  },
  listTasks: {
    method: 'GET',
    path: '/tasks',
    summary: "An owner's tasks (the caller's by default), open ones unless status=done, soonest due first",
    roles: taskReaders,
    query: listTasksQuery,
    response: page(taskResponse),
  },
  getTask: {
    method: 'GET',
    path: '/tasks/{id}',
    summary: 'Get a task',
    roles: taskReaders,
    params: taskIdParams,
    response: taskResponse,
  },
  updateTask: {
    method: 'PATCH',
    path: '/tasks/{id}',
    summary: 'Change the title, notes, due date, owner or status of a task (If-Match for optimistic locking)',
    roles: taskWriters,
    params: taskIdParams,
    body: updateTaskBody,
    response: taskResponse,
  },
  deleteTask: {
    method: 'DELETE',
    path: '/tasks/{id}',
    summary: 'Delete a task',
    roles: taskWriters,
    params: taskIdParams,
    status: 204,
  },
});
