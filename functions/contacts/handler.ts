import { httpHandler } from '../../shared/http/handler.ts';
import { contactRepository } from './repository.ts';
import { contactRoutes } from './routes.ts';
import { contactService } from './service.ts';

export const handler = httpHandler(contactRoutes, contactService(contactRepository));
