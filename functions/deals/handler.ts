import { httpHandler } from '../../shared/http/handler.ts';
import { companiesApi } from '../companies/api.ts';
import { contactsApi } from '../contacts/api.ts';
import { dealRepository } from './repository.ts';
import { dealRoutes } from './routes.ts';
import { dealService } from './service.ts';

export const handler = httpHandler(
  dealRoutes,
  dealService(dealRepository, {
    contactExists: async (tenantId, contactId) => !!(await contactsApi.get({ tenantId, contactId })),
    companyExists: async (tenantId, companyId) => !!(await companiesApi.get({ tenantId, companyId })),
  }),
);
