import { quoteRepository } from './repository.ts';
import type { Quote } from './schemas.ts';
import { view } from './service.ts';

export type { Quote, QuoteLine, QuoteVersion } from './schemas.ts';

/** What other contexts may ask of quotes (orders made from an accepted quote). */
export const quotesApi = {
  /** A quote, strongly consistent. */
  async get({ tenantId, quoteId }: { tenantId: string; quoteId: string }): Promise<Quote | undefined> {
    const quote = await quoteRepository.getQuote(tenantId, quoteId, true);
    return quote && view(quote);
  },
};
export type QuotesApi = typeof quotesApi;
