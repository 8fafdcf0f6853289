import { httpHandler } from '../../shared/http/handler.ts';
import { companyRepository } from './repository.ts';
import { companyRoutes } from './routes.ts';
import { companyService } from './service.ts';

export const handler = httpHandler(companyRoutes, companyService(companyRepository));
