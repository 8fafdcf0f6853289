import { httpHandler } from '../../shared/http/handler.ts';
import { contactsApi } from '../contacts/api.ts';
import { leadRepository } from './repository.ts';
import { leadRoutes } from './routes.ts';
import { leadService } from './service.ts';

export const handler = httpHandler(
  leadRoutes,
  leadService(leadRepository, {
    contactByEmail: async (tenantId, email) => (await contactsApi.findByEmail({ tenantId, email }))?.id,
    contactByPhone: async (tenantId, phone) => (await contactsApi.findByPhone({ tenantId, phone }))?.id,
  }),
);
