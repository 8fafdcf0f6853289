import { dealRepository } from './repository.ts';
import type { Deal } from './schemas.ts';

export type { Deal, Pipeline, StageChange } from './schemas.ts';

/** What other contexts may ask of deals (the follow-up journey, lead conversion, forecasts). */
export const dealsApi = {
  /** A deal, strongly consistent: a caller acting on a deal event sees the write that produced it. */
  get: ({ tenantId, dealId }: { tenantId: string; dealId: string }): Promise<Deal | undefined> =>
    dealRepository.getDeal(tenantId, dealId, true),

  /** The open deals a contact takes part in: one Query of its deal links and one BatchGetItem. */
  async openDealsOf({ tenantId, contactId }: { tenantId: string; contactId: string }): Promise<Deal[]> {
    const ids = await dealRepository.dealIdsOfContact(tenantId, contactId);
    return (await dealRepository.getDeals(tenantId, ids)).filter((d) => d.status === 'open');
  },
};
export type DealsApi = typeof dealsApi;
