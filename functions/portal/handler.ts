import { httpHandler } from '../../shared/http/handler.ts';
import { clock } from '../../shared/ports/clock.ts';
import { contactsApi } from '../contacts/api.ts';
import { messagingApi } from '../messaging/api.ts';
import { surveysApi } from '../surveys/api.ts';
import { ticketsApi } from '../tickets/api.ts';
import { publishedKnowledge } from './knowledge.ts';
import { portalRepository } from './repository.ts';
import { portalRoutes } from './routes.ts';
import { type PortalPorts, portalService } from './service.ts';

export const portalPorts: PortalPorts = {
  tickets: ticketsApi,
  kb: publishedKnowledge,
  contactByEmail: (tenantId, email) => contactsApi.findByEmail({ tenantId, email }),
  pendingSurveys: (tenantId, contactId) => surveysApi.pending({ tenantId, contactId, now: clock().now() }),
  send: messagingApi.send,
};

const service = portalService(portalRepository, portalPorts);

export const handler = httpHandler(portalRoutes, service, { customerSession: service.sessionHolds });
