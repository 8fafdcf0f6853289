import { httpHandler } from '../../shared/http/handler.ts';
import { quoteReferences } from './references.ts';
import { quoteRepository } from './repository.ts';
import { quoteRoutes } from './routes.ts';
import { quoteService } from './service.ts';

export const handler = httpHandler(quoteRoutes, quoteService(quoteRepository, quoteReferences));
