import type { Page, PageRequest, QuoteConflict, QuoteRepository } from '../../../functions/quotes/repository.ts';
import type { QuoteVersion, StoredQuote } from '../../../functions/quotes/schemas.ts';
import type { QuoteReferences } from '../../../functions/quotes/service.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';
import type { ScheduledJob } from '../../../shared/ports/scheduler.ts';
import type { FakeProducts } from './products.ts';

const copy = <T>(value: T): T => structuredClone(value);
const pageOf = <T>(all: T[], { limit, cursor }: PageRequest): Page<T> => {
  const start = cursor ? Number(cursor) : 0;
  return { items: all.slice(start, start + limit).map(copy), nextCursor: start + limit < all.length ? String(start + limit) : undefined };
};

/**
 * Quotes in memory over the products fake: a version per quote, versions
 * written once, the price book's version checked and its price-use counters
 * raised in the same "transaction". References read the products fake.
 */
export const fakeQuoteRepository = (products: FakeProducts) => {
  const quotes = new Map<string, StoredQuote>();
  const versions = new Map<string, QuoteVersion>();
  const deals = new Set<string>();
  const events: DomainEvent[] = [];
  const k = (...parts: (string | number)[]) => parts.join('|');
  const fail = (...reasons: QuoteConflict[]) => {
    throw new WriteConflict<QuoteConflict>(reasons[0]!, reasons);
  };

  const repo: QuoteRepository = {
    getQuote: async (tenantId, id) => copy(quotes.get(k(tenantId, id))),
    listByDeal: async (tenantId, dealId, page) =>
      pageOf(
        [...quotes.entries()]
          .filter(([key, q]) => key.startsWith(`${tenantId}|`) && q.dealId === dealId)
          .map(([, q]) => q)
          .sort((a, b) => a.id.localeCompare(b.id)),
        page,
      ),
    getVersion: async (tenantId, quoteId, n) => copy(versions.get(k(tenantId, quoteId, n))),
    listVersions: async (tenantId, quoteId, page) =>
      pageOf(
        [...versions.entries()]
          .filter(([key]) => key.startsWith(`${tenantId}|${quoteId}|`))
          .map(([, v]) => v)
          .sort((a, b) => a.number - b.number),
        page,
      ),
    async saveQuote(tenantId, { before, after, version, priceBook, newPrices = [] }, written) {
      const failed: QuoteConflict[] = [];
      const stored = quotes.get(k(tenantId, after.id));
      if (before ? stored?.version !== before.version : stored) failed.push(before ? 'VERSION' : 'EXISTS');
      if (version && versions.has(k(tenantId, version.quoteId, version.number))) failed.push('VERSION');
      if (priceBook && products.bookVersion(tenantId, priceBook.id) !== priceBook.version) failed.push('PRICE_BOOK');
      if (failed.length) fail(...failed);
      quotes.set(k(tenantId, after.id), copy(after));
      if (version) versions.set(k(tenantId, version.quoteId, version.number), copy(version));
      if (priceBook) for (const p of newPrices) products.usePrice(tenantId, priceBook.id, p.productId, p.currency);
      events.push(...written);
    },
  };

  const sent: Parameters<QuoteReferences['send']>[0][] = [];
  const scheduled: ScheduledJob[] = [];
  const references: QuoteReferences = {
    primaryContact: async (tenantId, dealId) => (deals.has(k(tenantId, dealId)) ? `contact-of-${dealId}` : undefined),
    schedule: async (job) => {
      if (!scheduled.some((j) => j.name === job.name)) scheduled.push(job);
    },
    send: async (request) => {
      sent.push(request);
      return { status: 'sent', messageId: `m-${sent.length}` };
    },
    dealExists: async (tenantId, dealId) => deals.has(k(tenantId, dealId)),
    getProducts: (tenantId, ids) => products.repo.getProducts(tenantId, ids),
    async getPriceBook(tenantId, priceBookId) {
      const id = priceBookId ?? (await products.repo.defaultPriceBookId(tenantId));
      return id ? products.repo.getPriceBook(tenantId, id) : undefined;
    },
  };

  return { repo, events, references, sent, scheduled, addDeal: (tenantId: string, dealId: string) => deals.add(k(tenantId, dealId)) };
};
