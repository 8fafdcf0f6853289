import { httpHandler } from '../../shared/http/handler.ts';
import { messagingRoutes } from './routes.ts';
import { messagingService } from './service.ts';

export const handler = httpHandler(messagingRoutes, messagingService);
