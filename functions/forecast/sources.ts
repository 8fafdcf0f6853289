import { dealsApi } from '../deals/api.ts';
import type { DealsSource } from './service.ts';

/** Deals as the deals context serves them. */
export const liveDeals: DealsSource = {
  deal: (tenantId, dealId) => dealsApi.get({ tenantId, dealId }),
  pipeline: (tenantId, pipelineId) => dealsApi.pipeline({ tenantId, pipelineId }),
  pipelines: (tenantId) => dealsApi.pipelines({ tenantId }),
};
