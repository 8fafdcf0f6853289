import type { Page, PageRequest } from '../../shared/db/query.ts';
import { getItem, listPage, queryPage, stripKeys } from '../../shared/db/query.ts';
import { labelled, put, putNew, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { type PriceBook, productsApi } from '../products/api.ts';
import { quoteItem, quoteKeys, versionItem } from './items.ts';
import type { QuoteVersion, StoredQuote } from './schemas.ts';

export type { Page, PageRequest } from '../../shared/db/query.ts';

/** What a failed write collided with. */
export type QuoteConflict = 'EXISTS' | 'VERSION' | 'PRICE_BOOK';

/** One quote write: the quote (new or at `before`'s version) and, on a new version, that version and the prices it starts using. */
export interface QuoteWrite {
  before?: StoredQuote;
  after: StoredQuote;
  version?: QuoteVersion;
  /** The price book the version was priced from, as read: the write fails with PRICE_BOOK when it changed meanwhile. */
  priceBook?: PriceBook;
  /** Price entries (productId, currency) of `priceBook` this quote uses for the first time: their counters go up. */
  newPrices?: { productId: string; currency: string }[];
}

/** The only DynamoDB access of quotes. Conflicts throw WriteConflict<QuoteConflict>. */
export interface QuoteRepository {
  getQuote(tenantId: string, id: string, consistent?: boolean): Promise<StoredQuote | undefined>;
  listByDeal(tenantId: string, dealId: string, page: PageRequest): Promise<Page<StoredQuote>>;
  getVersion(tenantId: string, quoteId: string, n: number): Promise<QuoteVersion | undefined>;
  listVersions(tenantId: string, quoteId: string, page: PageRequest): Promise<Page<QuoteVersion>>;
  saveQuote(tenantId: string, write: QuoteWrite, events: DomainEvent[]): Promise<void>;
}

export const quoteRepository: QuoteRepository = {
  async getQuote(tenantId, id, consistent = false) {
    const item = await getItem(quoteKeys.quote(tenantId, id), consistent);
    return item && stripKeys<StoredQuote>(item);
  },
  listByDeal: (tenantId, dealId, page) =>
    listPage<StoredQuote>({ index: 'GSI1', partition: quoteKeys.dealQuotesPartition(tenantId, dealId) }, page),
  async getVersion(tenantId, quoteId, n) {
    const item = await getItem(quoteKeys.version(tenantId, quoteId, n));
    return item && stripKeys<QuoteVersion>(item);
  },
  async listVersions(tenantId, quoteId, page) {
    const partition = quoteKeys.quotePartition(tenantId, quoteId);
    const out = await queryPage(
      {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :v)',
        ExpressionAttributeValues: { ':pk': partition, ':v': quoteKeys.versionPrefix },
      },
      { ...page, scope: `${partition}#V` },
    );
    return { items: out.items.map((i) => stripKeys<QuoteVersion>(i)), nextCursor: out.nextCursor };
  },
  saveQuote: (tenantId, { before, after, version, priceBook, newPrices = [] }, events) =>
    transact<QuoteConflict>(
      [
        before
          ? labelled('VERSION', put(quoteItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version }))
          : labelled('EXISTS', putNew(quoteItem(tenantId, after))),
        // A version is written once: earlier versions are never replaced.
        ...(version ? [labelled('VERSION', putNew(versionItem(tenantId, version)))] : []),
        ...(priceBook ? [labelled('PRICE_BOOK', productsApi.transactItems.priceBookAt(tenantId, priceBook))] : []),
        ...(priceBook
          ? newPrices.map((p) =>
              labelled('PRICE_BOOK', productsApi.transactItems.usePrice(tenantId, priceBook.id, p.productId, p.currency)),
            )
          : []),
      ],
      events,
    ),
};
