import { type ScheduledJob, scheduler } from '../../shared/ports/scheduler.ts';
import { dealsApi } from '../deals/api.ts';
import { messagingApi } from '../messaging/api.ts';
import { productsApi } from '../products/api.ts';
import type { QuoteReferences } from './service.ts';

/** What quotes read of deals and products, how they send, and their timers: only through the owners' APIs and the ports. */
export const quoteReferences: QuoteReferences = {
  dealExists: async (tenantId, dealId) => !!(await dealsApi.get({ tenantId, dealId })),
  getProducts: (tenantId, productIds) => productsApi.getProducts({ tenantId, productIds }),
  getPriceBook: (tenantId, priceBookId) => productsApi.getPriceBook({ tenantId, priceBookId }),
  primaryContact: async (tenantId, dealId) => (await dealsApi.get({ tenantId, dealId }))?.contactIds[0],
  send: messagingApi.send,
  schedule: (job: ScheduledJob) => scheduler().schedule(job),
};
