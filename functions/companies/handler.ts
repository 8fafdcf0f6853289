import { httpHandler } from '../../shared/http/handler.ts';
import { contactsApi } from '../contacts/api.ts';
import { companyRepository } from './repository.ts';
import { companyRoutes } from './routes.ts';
import { companyService } from './service.ts';

export const handler = httpHandler(companyRoutes, companyService(companyRepository, contactsApi));
