import { page } from '../../shared/domain/fields.ts';
import type { Role } from '../../shared/http/route.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import {
  createPriceBookBody,
  createProductBody,
  listPriceBooksQuery,
  listProductsQuery,
  priceBookIdParams,
  priceBookResponse,
  productIdParams,
  productResponse,
  updatePriceBookBody,
  updateProductBody,
} from './schemas.ts';

/** Sales and admins keep the catalog; analysts and support read it. */
const writers: readonly Role[] = ['admin', 'sales'];
const readers: readonly Role[] = [...writers, 'analyst', 'support'];

export const productRoutes = defineRoutes('products', {
  createProduct: {
    method: 'POST',
    path: '/products',
    summary: 'Create a product: SKU (unique per tenant), name, description, tax rate in basis points, active',
    roles: writers,
    body: createProductBody,
    response: productResponse,
    status: 201,
    location: '/products/{id}',
    conflict: 'the SKU is taken (existingId names the product)',
  },
  listProducts: {
    method: 'GET',
    path: '/products',
    summary: "The tenant's products, oldest first",
    roles: readers,
    query: listProductsQuery,
    response: page(productResponse),
  },
  getProduct: {
    method: 'GET',
    path: '/products/{id}',
    summary: 'Get a product',
    roles: readers,
    params: productIdParams,
    response: productResponse,
  },
  updateProduct: {
    method: 'PATCH',
    path: '/products/{id}',
    summary: 'Change a product; `active: false` retires it (products are never deleted) (If-Match)',
    roles: writers,
    params: productIdParams,
    body: updateProductBody,
    response: productResponse,
    conflict: 'the new SKU is taken (existingId names the product)',
  },
  createPriceBook: {
    method: 'POST',
    path: '/price-books',
    summary: "Create a price book: unit prices per product and currency; the tenant's first is its default",
    roles: writers,
    body: createPriceBookBody,
    response: priceBookResponse,
    status: 201,
    location: '/price-books/{id}',
    unprocessable: 'a price names a product that does not exist',
  },
  listPriceBooks: {
    method: 'GET',
    path: '/price-books',
    summary: "The tenant's price books, oldest first",
    roles: readers,
    query: listPriceBooksQuery,
    response: page(priceBookResponse),
  },
  getPriceBook: {
    method: 'GET',
    path: '/price-books/{id}',
    summary: 'Get a price book',
    roles: readers,
    params: priceBookIdParams,
    response: priceBookResponse,
  },
  updatePriceBook: {
    method: 'PUT',
    path: '/price-books/{id}',
    summary: 'Replace the name, prices and active flag of a price book; a price a quote uses is deactivated, never removed (If-Match)',
    roles: writers,
    params: priceBookIdParams,
    body: updatePriceBookBody,
    response: priceBookResponse,
    conflict: 'a removed price is used by a quote (pricesInUse names them): keep it with active: false',
    unprocessable: 'a price names a product that does not exist',
  },
});
