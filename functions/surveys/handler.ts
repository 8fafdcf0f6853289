import { httpHandler } from '../../shared/http/handler.ts';
import { contactsApi } from '../contacts/api.ts';
import { surveyRepository } from './repository.ts';
import { surveyRoutes } from './routes.ts';
import { surveyService } from './service.ts';

export const handler = httpHandler(
  surveyRoutes,
  surveyService(surveyRepository, (tenantId, contactId) => contactsApi.get({ tenantId, contactId })),
);
