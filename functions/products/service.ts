import { isWriteConflict } from '../../shared/db/transact.ts';
import { applyPatch, changedFields } from '../../shared/domain/patch.ts';
import { conflict, notFound, preconditionFailed, unprocessable } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { retry } from '../../shared/retry.ts';
import type { ProductConflict, ProductRepository } from './repository.ts';
import type { productRoutes } from './routes.ts';
import type { PriceBook, PriceEntry, Product } from './schemas.ts';

const writeAttempts = 5;

const productData = (p: Product) => ({ productId: p.id, sku: p.sku, name: p.name, taxRateBp: p.taxRateBp, active: p.active });
const bookData = (b: PriceBook) => ({ priceBookId: b.id, name: b.name, isDefault: b.isDefault, active: b.active, prices: b.prices.length });
const priceKey = (p: { productId: string; currency: string }) => `${p.productId}#${p.currency}`;

const retriable = (ifMatch: number | undefined) => (error: unknown) =>
  ifMatch === undefined && isWriteConflict<ProductConflict>(error, 'VERSION');
const staleOnVersion = (ifMatch: number | undefined) => (error: unknown) => {
  if (ifMatch !== undefined && isWriteConflict<ProductConflict>(error, 'VERSION')) throw preconditionFailed();
  throw error;
};

export const productService = (repo: ProductRepository) => {
  const skuTaken = async (tenantId: string, sku: string) =>
    conflict('a product with this SKU already exists', { existingId: await repo.productIdBySku(tenantId, sku), field: 'sku' });

  /** Every product a price names must exist: 422 naming the entries otherwise. */
  const checkProducts = async (tenantId: string, prices: PriceEntry[]) => {
    const found = new Set(
      (
        await repo.getProducts(
          tenantId,
          prices.map((p) => p.productId),
        )
      ).map((p) => p.id),
    );
    const errors: Record<string, string[]> = {};
    prices.forEach((p, i) => {
      if (!found.has(p.productId)) errors[`body.prices.${i}.productId`] = [`no product ${p.productId}`];
    });
    if (Object.keys(errors).length) throw unprocessable('a price names a product that does not exist', { errors });
  };

  const service: ServiceFor<typeof productRoutes, RequestContext> = {
    async createProduct({ body }, ctx) {
      const now = clock().now().toISOString();
      const product: Product = { id: newId(), version: 1, ...body, createdAt: now, updatedAt: now };
      try {
        await repo.saveProduct(ctx.tenantId, undefined, product, [domainEvent(ctx.tenantId, 'product.created', productData(product))]);
      } catch (error) {
        if (isWriteConflict<ProductConflict>(error, 'SKU')) throw await skuTaken(ctx.tenantId, product.sku);
        throw error;
      }
      return product;
    },

    listProducts: ({ query }, ctx) => repo.listProducts(ctx.tenantId, query),

    async getProduct({ params }, ctx) {
      const product = await repo.getProduct(ctx.tenantId, params.id);
      if (!product) throw notFound('product');
      return product;
    },

    updateProduct: ({ params, body, ifMatch }, ctx) =>
      retry(
        async () => {
          const before = await repo.getProduct(ctx.tenantId, params.id, true);
          if (!before) throw notFound('product');
          if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
          const after = applyPatch(before, body, clock().now().toISOString());
          const changed = changedFields(before, after);
          if (!changed.length) return before;
          try {
            await repo.saveProduct(ctx.tenantId, before, after, [
              domainEvent(ctx.tenantId, 'product.updated', { ...productData(after), changed }),
            ]);
          } catch (error) {
            if (isWriteConflict<ProductConflict>(error, 'SKU')) throw await skuTaken(ctx.tenantId, after.sku);
            throw error;
          }
          return after;
        },
        { attempts: writeAttempts, retryOn: retriable(ifMatch) },
      ).catch(staleOnVersion(ifMatch)),

    async createPriceBook({ body }, ctx) {
      await checkProducts(ctx.tenantId, body.prices);
      const now = clock().now().toISOString();
      const book: PriceBook = { id: newId(), version: 1, isDefault: false, ...body, createdAt: now, updatedAt: now };
      // The tenant's first price book becomes its default; concurrent firsts make one (the guard is a conditional put).
      const asDefault = !(await repo.defaultPriceBookId(ctx.tenantId));
      const write = async (made: PriceBook, isDefault: boolean) =>
        repo.createPriceBook(ctx.tenantId, made, isDefault, [domainEvent(ctx.tenantId, 'price_book.created', bookData(made))]);
      if (!asDefault) {
        await write(book, false);
        return book;
      }
      try {
        await write({ ...book, isDefault: true }, true);
        return { ...book, isDefault: true };
      } catch (error) {
        if (!isWriteConflict<ProductConflict>(error, 'DEFAULT')) throw error;
        await write(book, false);
        return book;
      }
    },

    listPriceBooks: ({ query }, ctx) => repo.listPriceBooks(ctx.tenantId, query),

    async getPriceBook({ params }, ctx) {
      const book = await repo.getPriceBook(ctx.tenantId, params.id);
      if (!book) throw notFound('price book');
      return book;
    },

    updatePriceBook: ({ params, body, ifMatch }, ctx) =>
      retry(
        async () => {
          const before = await repo.getPriceBook(ctx.tenantId, params.id, true);
          if (!before) throw notFound('price book');
          if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
          const kept = new Set(body.prices.map(priceKey));
          const added = body.prices.filter((p) => !before.prices.some((b) => priceKey(b) === priceKey(p)));
          await checkProducts(ctx.tenantId, added);
          const removed = before.prices.filter((p) => !kept.has(priceKey(p)));
          const inUse = [];
          for (const p of removed) {
            const quotes = await repo.priceUses(ctx.tenantId, before.id, p.productId, p.currency);
            if (quotes > 0) inUse.push({ productId: p.productId, currency: p.currency, quotes });
          }
          if (inUse.length) throw pricesInUse(inUse);
          const after: PriceBook = { ...before, ...body, version: before.version + 1, updatedAt: clock().now().toISOString() };
          try {
            await repo.updatePriceBook(ctx.tenantId, before, after, removed, [
              domainEvent(ctx.tenantId, 'price_book.updated', {
                ...bookData(after),
                removedPrices: removed.map((p) => ({ productId: p.productId, currency: p.currency })),
              }),
            ]);
          } catch (error) {
            if (isWriteConflict<ProductConflict>(error, 'IN_USE'))
              throw pricesInUse(removed.map((p) => ({ productId: p.productId, currency: p.currency })));
            throw error;
          }
          return after;
        },
        { attempts: writeAttempts, retryOn: retriable(ifMatch) },
      ).catch(staleOnVersion(ifMatch)),
  };
  return service;
};

const pricesInUse = (prices: { productId: string; currency: string; quotes?: number }[]) =>
  conflict('quotes use these prices: keep them in the book, with active: false to stop offering them', { pricesInUse: prices });
