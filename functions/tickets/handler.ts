import { httpHandler } from '../../shared/http/handler.ts';
import { ticketHttp } from './http.ts';
import { ticketReferences } from './references.ts';
import { ticketRepository } from './repository.ts';
import { ticketRoutes } from './routes.ts';
import { ticketService } from './service.ts';

export const handler = httpHandler(ticketRoutes, ticketHttp(ticketService(ticketRepository, ticketReferences), ticketReferences));
