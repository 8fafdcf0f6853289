import { httpHandler } from '../../shared/http/handler.ts';
import { contactRepository } from '../contacts/repository.ts';
import { surveyRepository } from './repository.ts';
import { surveyRoutes } from './routes.ts';
import { surveyService } from './service.ts';

export const handler = httpHandler(
  surveyRoutes,
  surveyService(surveyRepository, (tenantId, id) => contactRepository.get(tenantId, id)),
);
