import { systemActor } from '../../shared/domain/actor.ts';
import { DomainError } from '../../shared/errors.ts';
import { eventHandler } from '../../shared/events/subscriber.ts';
import { logger } from '../../shared/logger.ts';
import { dealsApi } from '../deals/api.ts';
import { quotesApi } from '../quotes/api.ts';
import { orderReferences } from './references.ts';
import { orderRepository } from './repository.ts';
import { orderFromQuote } from './rules.ts';
import { orderService } from './service.ts';

const service = orderService(orderRepository, orderReferences);

/**
 * An accepted quote that says so places its order: the quote's lines and
 * totals, for the deal's primary contact and company. The quote id is the
 * order's source key, so a redelivered event answers the first order and
 * places no second one. A failure throws and the bus retries it; a quote whose
 * deal has no contact left (or whose contact is gone) is logged, since
 * retrying cannot help.
 */
export const handler = eventHandler('orders', {
  'quote.accepted': async ({ tenantId, data }) => {
    if (!data.createOrderOnAccept) return;
    const quote = await quotesApi.get({ tenantId, quoteId: data.quoteId });
    if (quote?.status !== 'accepted') return;
    const deal = await dealsApi.get({ tenantId, dealId: quote.dealId });
    const contactId = deal?.contactIds[0];
    if (!contactId) {
      logger.warn('quote accepted but its deal has no contact to place the order for', { quoteId: quote.id, dealId: quote.dealId });
      return;
    }
    try {
      await service.createFromQuote({
        tenantId,
        ...orderFromQuote(quote),
        contactId,
        ...(deal.companyId && { companyId: deal.companyId }),
        actor: systemActor('quote', quote.id),
      });
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'unprocessable') throw error;
      logger.warn('quote accepted but its order cannot be placed', { quoteId: quote.id, error: error.message, ...error.extra });
    }
  },
});
