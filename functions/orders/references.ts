import { companiesApi } from '../companies/api.ts';
import { contactsApi } from '../contacts/api.ts';
import { dealsApi } from '../deals/api.ts';
import type { OrderReferences } from './service.ts';

/** What an order names, looked up through the owning contexts' APIs. */
export const orderReferences: OrderReferences = {
  contactExists: async (tenantId, contactId) => !!(await contactsApi.get({ tenantId, contactId })),
  companyExists: async (tenantId, companyId) => !!(await companiesApi.get({ tenantId, companyId })),
  dealExists: async (tenantId, dealId) => !!(await dealsApi.get({ tenantId, dealId })),
};
