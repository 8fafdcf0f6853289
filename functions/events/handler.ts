import { httpHandler } from '../../shared/http/handler.ts';
import { eventRoutes } from './routes.ts';
import { eventService } from './service.ts';

export const handler = httpHandler(eventRoutes, eventService);
