import type { Page, PageRequest, ProductConflict, ProductRepository } from '../../../functions/products/repository.ts';
import type { PriceBook, Product } from '../../../functions/products/schemas.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';

const copy = <T>(value: T): T => structuredClone(value);
const pageOf = <T>(all: T[], { limit, cursor }: PageRequest): Page<T> => {
  const start = cursor ? Number(cursor) : 0;
  return { items: all.slice(start, start + limit).map(copy), nextCursor: start + limit < all.length ? String(start + limit) : undefined };
};

/**
 * Products and price books in memory, with the real repository's conditions:
 * versions, the SKU guard, the default guard and the price-use counters
 * (which the quotes fake raises through `usePrice`).
 */
export const fakeProductRepository = () => {
  const products = new Map<string, Product>();
  const skus = new Map<string, string>();
  const books = new Map<string, PriceBook>();
  const defaults = new Map<string, string>();
  const uses = new Map<string, number>();
  const events: DomainEvent[] = [];
  const k = (...parts: string[]) => parts.join('|');
  const fail = (...reasons: ProductConflict[]) => {
    throw new WriteConflict<ProductConflict>(reasons[0]!, reasons);
  };
  const ofTenant = <T extends { id: string }>(map: Map<string, T>, tenantId: string) =>
    [...map.entries()]
      .filter(([key]) => key.startsWith(`${tenantId}|`))
      .map(([, v]) => v)
      .sort((a, b) => a.id.localeCompare(b.id));

  const repo: ProductRepository = {
    getProduct: async (tenantId, id) => copy(products.get(k(tenantId, id))),
    getProducts: async (tenantId, ids) =>
      [...new Set(ids)].flatMap((id) => (products.has(k(tenantId, id)) ? [copy(products.get(k(tenantId, id))!)] : [])),
    listProducts: async (tenantId, page) => pageOf(ofTenant(products, tenantId), page),
    productIdBySku: async (tenantId, sku) => skus.get(k(tenantId, sku)),
    async saveProduct(tenantId, before, after, written) {
      const failed: ProductConflict[] = [];
      const stored = products.get(k(tenantId, after.id));
      if (before ? stored?.version !== before.version : stored) failed.push(before ? 'VERSION' : 'EXISTS');
      if (before?.sku !== after.sku && skus.has(k(tenantId, after.sku))) failed.push('SKU');
      if (failed.length) fail(...failed);
      if (before && before.sku !== after.sku) skus.delete(k(tenantId, before.sku));
      skus.set(k(tenantId, after.sku), after.id);
      products.set(k(tenantId, after.id), copy(after));
      events.push(...written);
    },
    getPriceBook: async (tenantId, id) => copy(books.get(k(tenantId, id))),
    listPriceBooks: async (tenantId, page) => pageOf(ofTenant(books, tenantId), page),
    defaultPriceBookId: async (tenantId) => defaults.get(tenantId),
    async createPriceBook(tenantId, book, asDefault, written) {
      const failed: ProductConflict[] = [];
      if (books.has(k(tenantId, book.id))) failed.push('EXISTS');
      if (asDefault && defaults.has(tenantId)) failed.push('DEFAULT');
      if (failed.length) fail(...failed);
      if (asDefault) defaults.set(tenantId, book.id);
      books.set(k(tenantId, book.id), copy(book));
      events.push(...written);
    },
    async updatePriceBook(tenantId, before, after, removed, written) {
      const failed: ProductConflict[] = [];
      if (books.get(k(tenantId, before.id))?.version !== before.version) failed.push('VERSION');
      if (removed.some((p) => (uses.get(k(tenantId, before.id, p.productId, p.currency)) ?? 0) > 0)) failed.push('IN_USE');
      if (failed.length) fail(...failed);
      books.set(k(tenantId, after.id), copy(after));
      events.push(...written);
    },
    priceUses: async (tenantId, priceBookId, productId, currency) => uses.get(k(tenantId, priceBookId, productId, currency)) ?? 0,
  };

  return {
    repo,
    events,
    /** The book's version as stored: what a quote transaction's ConditionCheck compares. */
    bookVersion: (tenantId: string, id: string) => books.get(k(tenantId, id))?.version,
    usePrice: (tenantId: string, priceBookId: string, productId: string, currency: string) =>
      uses.set(k(tenantId, priceBookId, productId, currency), (uses.get(k(tenantId, priceBookId, productId, currency)) ?? 0) + 1),
  };
};
export type FakeProducts = ReturnType<typeof fakeProductRepository>;
