import { httpHandler } from '../../shared/http/handler.ts';
import { slaRepository } from './repository.ts';
import { slaRoutes } from './routes.ts';
import { slaService } from './service.ts';

export const handler = httpHandler(slaRoutes, slaService(slaRepository));
