import type { Page, PageRequest } from '../../shared/db/query.ts';
import { getItem, getItems, listPage, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { labelled, put, putNew, remove, type TransactItem, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { defaultPriceBookItem, priceBookItem, productEntities, productItem, productKeys, skuGuardItem } from './items.ts';
import type { PriceBook, Product } from './schemas.ts';

export type { Page, PageRequest } from '../../shared/db/query.ts';

/** What a failed write collided with: the labels of its transactions' conditions. */
export type ProductConflict = 'EXISTS' | 'VERSION' | 'SKU' | 'DEFAULT' | 'IN_USE';

/** The only DynamoDB access of products and price books. Conflicts throw WriteConflict<ProductConflict>. */
export interface ProductRepository {
  getProduct(tenantId: string, id: string, consistent?: boolean): Promise<Product | undefined>;
  getProducts(tenantId: string, ids: string[]): Promise<Product[]>;
  listProducts(tenantId: string, page: PageRequest): Promise<Page<Product>>;
  /** The product holding a SKU (a consistent GetItem of its guard). */
  productIdBySku(tenantId: string, sku: string): Promise<string | undefined>;
  /** Creates `after` (EXISTS, SKU) or replaces `before` at its version (VERSION); a new SKU moves the guard (SKU when taken). */
  saveProduct(tenantId: string, before: Product | undefined, after: Product, events: DomainEvent[]): Promise<void>;

  getPriceBook(tenantId: string, id: string, consistent?: boolean): Promise<PriceBook | undefined>;
  listPriceBooks(tenantId: string, page: PageRequest): Promise<Page<PriceBook>>;
  defaultPriceBookId(tenantId: string): Promise<string | undefined>;
  /** Creates a book (EXISTS); when `asDefault`, also the default guard (DEFAULT when the tenant has one). */
  createPriceBook(tenantId: string, book: PriceBook, asDefault: boolean, events: DomainEvent[]): Promise<void>;
  /** Replaces `before` at its version (VERSION); each price of `removed` must be used by no quote (IN_USE). */
  updatePriceBook(
    tenantId: string,
    before: PriceBook,
    after: PriceBook,
    removed: { productId: string; currency: string }[],
    events: DomainEvent[],
  ): Promise<void>;
  /** How many quotes use a price entry (a consistent GetItem of its counter). */
  priceUses(tenantId: string, priceBookId: string, productId: string, currency: string): Promise<number>;
}

/** Transaction items other contexts put in their own transactions (productsApi.transactItems). */
export const priceBookAt = (tenantId: string, book: PriceBook): TransactItem => ({
  ConditionCheck: {
    TableName: tableNameFromEnv(),
    Key: productKeys.priceBook(tenantId, book.id),
    ConditionExpression: '#v = :v',
    ExpressionAttributeNames: { '#v': 'version' },
    ExpressionAttributeValues: { ':v': book.version },
  },
});

export const usePrice = (tenantId: string, priceBookId: string, productId: string, currency: string): TransactItem => ({
  Update: {
    TableName: tableNameFromEnv(),
    Key: productKeys.priceUse(tenantId, priceBookId, productId, currency),
    UpdateExpression: 'SET #e = :e, priceBookId = :b, productId = :p, currency = :c ADD #n :one',
    ExpressionAttributeNames: { '#e': 'entity', '#n': 'quotes' },
    ExpressionAttributeValues: { ':e': productEntities.priceUse, ':b': priceBookId, ':p': productId, ':c': currency, ':one': 1 },
  },
});

const priceUnused = (tenantId: string, priceBookId: string, productId: string, currency: string): TransactItem => ({
  ConditionCheck: {
    TableName: tableNameFromEnv(),
    Key: productKeys.priceUse(tenantId, priceBookId, productId, currency),
    ConditionExpression: 'attribute_not_exists(PK) OR #n <= :zero',
    ExpressionAttributeNames: { '#n': 'quotes' },
    ExpressionAttributeValues: { ':zero': 0 },
  },
});

export const productRepository: ProductRepository = {
  async getProduct(tenantId, id, consistent = false) {
    const item = await getItem(productKeys.product(tenantId, id), consistent);
    return item && stripKeys<Product>(item);
  },
  async getProducts(tenantId, ids) {
    return (await getItems([...new Set(ids)].map((id) => productKeys.product(tenantId, id)))).map((i) => stripKeys<Product>(i));
  },
  listProducts: (tenantId, page) => listPage<Product>({ index: 'GSI1', partition: productKeys.productListPartition(tenantId) }, page),
  async productIdBySku(tenantId, sku) {
    const guard = await getItem(productKeys.skuGuard(tenantId, sku), true);
    return guard ? String(guard.productId) : undefined;
  },
  saveProduct: (tenantId, before, after, events) =>
    transact<ProductConflict>(
      [
        before
          ? labelled('VERSION', put(productItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version }))
          : labelled('EXISTS', putNew(productItem(tenantId, after))),
        ...(before?.sku !== after.sku
          ? [
              labelled('SKU', putNew(skuGuardItem(tenantId, after.sku, after.id))),
              ...(before ? [labelled('VERSION', remove(productKeys.skuGuard(tenantId, before.sku)))] : []),
            ]
          : []),
      ],
      events,
    ),

  async getPriceBook(tenantId, id, consistent = false) {
    const item = await getItem(productKeys.priceBook(tenantId, id), consistent);
    return item && stripKeys<PriceBook>(item);
  },
  listPriceBooks: (tenantId, page) => listPage<PriceBook>({ index: 'GSI1', partition: productKeys.priceBookListPartition(tenantId) }, page),
  async defaultPriceBookId(tenantId) {
    const guard = await getItem(productKeys.defaultPriceBook(tenantId), true);
    return guard ? String(guard.priceBookId) : undefined;
  },
  createPriceBook: (tenantId, book, asDefault, events) =>
    transact<ProductConflict>(
      [
        labelled('EXISTS', putNew(priceBookItem(tenantId, book))),
        ...(asDefault ? [labelled('DEFAULT', putNew(defaultPriceBookItem(tenantId, book.id)))] : []),
      ],
      events,
    ),
  updatePriceBook: (tenantId, before, after, removed, events) =>
    transact<ProductConflict>(
      [
        labelled('VERSION', put(priceBookItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version })),
        ...removed.map((p) => labelled('IN_USE', priceUnused(tenantId, before.id, p.productId, p.currency))),
      ],
      events,
    ),
  async priceUses(tenantId, priceBookId, productId, currency) {
    const item = await getItem(productKeys.priceUse(tenantId, priceBookId, productId, currency), true);
    return Number(item?.quotes ?? 0);
  },
};
