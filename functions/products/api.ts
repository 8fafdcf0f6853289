import type { TransactItem } from '../../shared/db/transact.ts';
import { priceBookAt, productRepository, usePrice } from './repository.ts';
import type { PriceBook, Product } from './schemas.ts';

export type { PriceBook, PriceEntry, Product } from './schemas.ts';

/** What other contexts may ask of products and price books (quotes). */
export const productsApi = {
  /** Products by id, strongly consistent enough for pricing (a BatchGetItem); unknown ids are left out. */
  getProducts: ({ tenantId, productIds }: { tenantId: string; productIds: string[] }): Promise<Product[]> =>
    productRepository.getProducts(tenantId, productIds),

  /** A price book by id, or the tenant's default one when no id is given (consistent GetItems). */
  async getPriceBook({ tenantId, priceBookId }: { tenantId: string; priceBookId?: string }): Promise<PriceBook | undefined> {
    const id = priceBookId ?? (await productRepository.defaultPriceBookId(tenantId));
    return id ? productRepository.getPriceBook(tenantId, id, true) : undefined;
  },

  /** Items a quote's transaction carries: the book unchanged since it was read, and one more quote on each price it uses. */
  transactItems: {
    priceBookAt: (tenantId: string, book: PriceBook): TransactItem => priceBookAt(tenantId, book),
    usePrice: (tenantId: string, priceBookId: string, productId: string, currency: string): TransactItem =>
      usePrice(tenantId, priceBookId, productId, currency),
  },
};
export type ProductsApi = typeof productsApi;
