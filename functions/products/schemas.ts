import * as z from 'zod';
import { id, listQuery, text } from '../../shared/domain/fields.ts';

export const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');
export const sku = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._\-/]{1,64}$/, 'letters, digits and . _ - /, at most 64');
/** A tax rate in basis points: 2000 is 20 %. */
export const taxRateBp = z.number().int().min(0).max(10_000);

export const createProductBody = z.strictObject({
  sku,
  name: text(200),
  description: z.string().max(4000).optional(),
  taxRateBp,
  active: z.boolean().default(true),
});

/** PATCH: any subset; null clears the description; a product is never deleted, `active: false` retires it. */
export const updateProductBody = z
  .strictObject({ sku, name: text(200), description: z.string().max(4000).nullable(), taxRateBp, active: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });

export const productIdParams = z.strictObject({ id });
export const listProductsQuery = listQuery;

export const productResponse = z
  .object({
    id,
    version: z.number().int(),
    sku: z.string(),
    name: z.string(),
    description: z.string().optional(),
    taxRateBp: z.number().int(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Product' });
export type Product = z.infer<typeof productResponse>;

const priceEntryInput = z.strictObject({
  productId: id,
  currency,
  /** Integer minor units (cents) per unit. */
  unitAmount: z.number().int().min(0),
  active: z.boolean().default(true),
});

const prices = z
  .array(priceEntryInput)
  .max(500)
  .refine((p) => new Set(p.map((e) => `${e.productId}#${e.currency}`)).size === p.length, 'one price per product and currency');

export const createPriceBookBody = z.strictObject({ name: text(200), prices: prices.default([]), active: z.boolean().default(true) });
/** PUT replaces name, prices and active; a price a quote uses cannot be left out, only deactivated (`active: false`). */
export const updatePriceBookBody = z.strictObject({ name: text(200), prices, active: z.boolean() });

export const priceBookIdParams = z.strictObject({ id });
export const listPriceBooksQuery = listQuery;

const priceEntry = z
  .object({ productId: id, currency: z.string(), unitAmount: z.number().int(), active: z.boolean() })
  .meta({ id: 'PriceEntry' });
export type PriceEntry = z.infer<typeof priceEntry>;

export const priceBookResponse = z
  .object({
    id,
    version: z.number().int(),
    name: z.string(),
    /** The tenant's first price book is its default: the one a quote uses when it names none. */
    isDefault: z.boolean(),
    active: z.boolean(),
    prices: z.array(priceEntry),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'PriceBook' });
export type PriceBook = z.infer<typeof priceBookResponse>;
