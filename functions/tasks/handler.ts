import { httpHandler } from '../../shared/http/handler.ts';
import { contactRepository } from '../contacts/repository.ts';
import { taskRepository } from './repository.ts';
import { taskRoutes } from './routes.ts';
import { taskService } from './service.ts';

export const handler = httpHandler(
  taskRoutes,
  taskService(taskRepository, (tenantId, id) => contactRepository.get(tenantId, id, true)),
);
