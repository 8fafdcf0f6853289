import { httpHandler } from '../../shared/http/handler.ts';
import { contactsApi } from '../contacts/api.ts';
import { activityRepository } from './repository.ts';
import { activityRoutes } from './routes.ts';
import { activityService } from './service.ts';

export const handler = httpHandler(
  activityRoutes,
  activityService(activityRepository, (tenantId, contactId) => contactsApi.get({ tenantId, contactId })),
);
