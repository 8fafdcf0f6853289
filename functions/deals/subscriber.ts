import { systemActor } from '../../shared/domain/actor.ts';
import { DomainError } from '../../shared/errors.ts';
import { eventHandler } from '../../shared/events/subscriber.ts';
import { logger } from '../../shared/logger.ts';
import { dealsApi } from './api.ts';

/**
 * An accepted quote that says so wins its deal, as the quote: once per quote
 * (its guard is written with the stage change), so a redelivered event changes
 * nothing. A failure throws and the bus retries it; a deal the won stage
 * refuses (a required field missing) is logged, since retrying cannot help.
 */
export const handler = eventHandler('deals', {
  'quote.accepted': async ({ tenantId, data }) => {
    if (!data.winDealOnAccept) return;
    try {
      await dealsApi.win({ tenantId, dealId: data.dealId, actor: systemActor('quote', data.quoteId), once: `quote:${data.quoteId}` });
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'unprocessable') throw error;
      logger.warn('quote accepted but its deal cannot enter the won stage', { quoteId: data.quoteId, dealId: data.dealId, ...error.extra });
    }
  },
});
