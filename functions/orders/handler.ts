import { httpHandler } from '../../shared/http/handler.ts';
import { orderReferences } from './references.ts';
import { orderRepository } from './repository.ts';
import { orderRoutes } from './routes.ts';
import { orderService } from './service.ts';

export const handler = httpHandler(orderRoutes, orderService(orderRepository, orderReferences));
