import { httpHandler } from '../../shared/http/handler.ts';
import { contactsApi } from '../contacts/api.ts';
import { taskRepository } from './repository.ts';
import { taskRoutes } from './routes.ts';
import { taskService } from './service.ts';

export const handler = httpHandler(
  taskRoutes,
  taskService(taskRepository, (tenantId, contactId) => contactsApi.get({ tenantId, contactId })),
);
