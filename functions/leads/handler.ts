import { httpHandler } from '../../shared/http/handler.ts';
import { leadReferences } from './references.ts';
import { leadRepository } from './repository.ts';
import { leadRoutes } from './routes.ts';
import { leadService } from './service.ts';

export const handler = httpHandler(leadRoutes, leadService(leadRepository, leadReferences));
