import { httpHandler } from '../../shared/http/handler.ts';
import { knowledgeRepository } from './repository.ts';
import { knowledgeRoutes } from './routes.ts';
import { knowledgeService } from './service.ts';

export const handler = httpHandler(knowledgeRoutes, knowledgeService(knowledgeRepository));
