import { tenantKey } from '../../shared/db/tenant.ts';
import type { PriceBook, Product } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const productEntities = {
  product: 'PRODUCT',
  skuGuard: 'PRODUCT_SKU',
  priceBook: 'PRICE_BOOK',
  defaultPriceBook: 'PRICE_BOOK_DEFAULT',
  priceUse: 'PRICE_USE',
} as const;

export const productKeys = {
  /** A product: GetItem by id. */
  product: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#PR#${id}`, SK: 'PR' }),
  /** GSI1: a tenant's products, oldest first. */
  productList: (tenantId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#PR`, GSI1SK: id }),
  productListPartition: (tenantId: string) => `${tenantKey(tenantId)}#PR`,
  /** Guard naming the product that holds a SKU, written in the product's transaction: SKUs are unique per tenant. */
  skuGuard: (tenantId: string, sku: string) => ({ PK: `${tenantKey(tenantId)}#U#SKU#${sku}`, SK: 'U' }),
  /** A price book with its price entries: GetItem by id. */
  priceBook: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#PB#${id}`, SK: 'PB' }),
  /** GSI1: a tenant's price books, oldest first. */
  priceBookList: (tenantId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#PB`, GSI1SK: id }),
  priceBookListPartition: (tenantId: string) => `${tenantKey(tenantId)}#PB`,
  /** Guard naming the tenant's default price book: one GetItem finds it, a conditional put makes it once. */
  defaultPriceBook: (tenantId: string) => ({ PK: `${tenantKey(tenantId)}#PB#DEFAULT`, SK: 'PB' }),
  /** How many quotes use one price entry, beside its book: "is this price in use" is one GetItem. */
  priceUse: (tenantId: string, priceBookId: string, productId: string, currency: string) => ({
    PK: `${tenantKey(tenantId)}#PB#${priceBookId}`,
    SK: `USE#${productId}#${currency}`,
  }),
} as const;

export const productItem = (tenantId: string, p: Product) => ({
  ...productKeys.product(tenantId, p.id),
  ...productKeys.productList(tenantId, p.id),
  entity: productEntities.product,
  ...p,
});

export const skuGuardItem = (tenantId: string, sku: string, productId: string) => ({
  ...productKeys.skuGuard(tenantId, sku),
  entity: productEntities.skuGuard,
  productId,
});

export const priceBookItem = (tenantId: string, b: PriceBook) => ({
  ...productKeys.priceBook(tenantId, b.id),
  ...productKeys.priceBookList(tenantId, b.id),
  entity: productEntities.priceBook,
  ...b,
});

export const defaultPriceBookItem = (tenantId: string, priceBookId: string) => ({
  ...productKeys.defaultPriceBook(tenantId),
  entity: productEntities.defaultPriceBook,
  priceBookId,
});
