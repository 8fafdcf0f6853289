import type { Actor } from '../../shared/domain/actor.ts';
import { dealRepository } from './repository.ts';
import type { Deal, NewDeal } from './schemas.ts';

export type { Deal, NewDeal, Pipeline, StageChange } from './schemas.ts';

/** What other contexts may ask of deals (the follow-up journey, lead conversion, forecasts). */
export const dealsApi = {
  /** A deal, strongly consistent: a caller acting on a deal event sees the write that produced it. */
  get: ({ tenantId, dealId }: { tenantId: string; dealId: string }): Promise<Deal | undefined> =>
    dealRepository.getDeal(tenantId, dealId, true),

  /** Creates a deal as `actor` (lead conversion): the rules of POST /deals, in the default pipeline unless the input names one. */
  async create({ tenantId, input, actor }: { tenantId: string; input: NewDeal; actor: Actor }): Promise<Deal> {
    const [{ dealService }, { contactsApi }, { companiesApi }] = await Promise.all([
      import('./service.ts'),
      import('../contacts/api.ts'),
      import('../companies/api.ts'),
    ]);
    const service = dealService(dealRepository, {
      contactExists: async (t, contactId) => !!(await contactsApi.get({ tenantId: t, contactId })),
      companyExists: async (t, companyId) => !!(await companiesApi.get({ tenantId: t, companyId })),
    });
    return (await service.createDeal(
      { params: undefined, query: undefined, body: input },
      { tenantId, userId: actor.id, roles: [] },
    )) as Deal;
  },

  /** The open deals a contact takes part in: one Query of its deal links and one BatchGetItem. */
  async openDealsOf({ tenantId, contactId }: { tenantId: string; contactId: string }): Promise<Deal[]> {
    const ids = await dealRepository.dealIdsOfContact(tenantId, contactId);
    return (await dealRepository.getDeals(tenantId, ids)).filter((d) => d.status === 'open');
  },
};
export type DealsApi = typeof dealsApi;
