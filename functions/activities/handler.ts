import { httpHandler } from '../../shared/http/handler.ts';
import { contactRepository } from '../contacts/repository.ts';
import { activityRepository } from './repository.ts';
import { activityRoutes } from './routes.ts';
import { activityService } from './service.ts';

export const handler = httpHandler(
  activityRoutes,
  activityService(activityRepository, (tenantId, id) => contactRepository.get(tenantId, id, true)),
);
