import { httpHandler } from '../../shared/http/handler.ts';
import { routingRepository } from './repository.ts';
import { routingRoutes } from './routes.ts';
import { routingService } from './service.ts';

export const handler = httpHandler(routingRoutes, routingService(routingRepository));
