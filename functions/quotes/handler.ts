import { systemActor } from '../../shared/domain/actor.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { dealsApi } from '../deals/api.ts';
import { messagingApi } from '../messaging/api.ts';
import { productsApi } from '../products/api.ts';
import { quoteRepository } from './repository.ts';
import { quoteRoutes } from './routes.ts';
import { quoteService } from './service.ts';

export const quoteReferences = {
  dealExists: async (tenantId: string, dealId: string) => !!(await dealsApi.get({ tenantId, dealId })),
  getProducts: (tenantId: string, productIds: string[]) => productsApi.getProducts({ tenantId, productIds }),
  getPriceBook: (tenantId: string, priceBookId?: string) => productsApi.getPriceBook({ tenantId, priceBookId }),
  primaryContact: async (tenantId: string, dealId: string) => (await dealsApi.get({ tenantId, dealId }))?.contactIds[0],
  winDeal: async (tenantId: string, dealId: string, quoteId: string) => {
    await dealsApi.win({ tenantId, dealId, actor: systemActor('quote', quoteId) });
  },
  send: messagingApi.send,
};

export const handler = httpHandler(quoteRoutes, quoteService(quoteRepository, quoteReferences));
