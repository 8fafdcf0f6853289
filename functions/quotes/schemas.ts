import * as z from 'zod';
import { id, listQuery } from '../../shared/domain/fields.ts';
import { money } from '../../shared/events/catalog.ts';

export const quoteStatuses = ['draft', 'sent', 'accepted', 'declined', 'expired'] as const;
export type QuoteStatus = (typeof quoteStatuses)[number];

const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');

const discount = z.union([
  z.strictObject({ percentBp: z.number().int().min(0).max(10_000) }).meta({ description: 'percent in basis points: 1000 = 10 %' }),
  z.strictObject({ amount: z.number().int().min(0) }).meta({ description: 'off the line, in minor units of the quote currency' }),
]);

const lineInput = z.strictObject({
  productId: id,
  /** Positive, at most 3 decimals (hours, kilograms…). */
  quantity: z
    .number()
    .positive('the quantity must be positive')
    .max(1_000_000)
    .refine((q) => Math.abs(Math.round(q * 1000) - q * 1000) < 1e-6, 'at most 3 decimals'),
  /** Defaults to the product's active price in the quote's price book and currency. */
  unitPrice: money.refine((m) => m.amount >= 0, 'a unit price is not negative').optional(),
  discount: discount.optional(),
  description: z.string().max(1000).optional(),
});

const quoteContent = {
  /** The tenant's default price book unless named. */
  priceBookId: id.optional(),
  /** Defaults to the only currency the price book prices in. */
  currency: currency.optional(),
  validUntil: z.iso.date({ message: 'a date such as 2026-12-31' }).optional(),
  note: z.string().max(4000).optional(),
  /** On acceptance, move the deal to its pipeline's won stage. */
  winDealOnAccept: z.boolean().optional(),
  /** On acceptance, place an order with the quote's lines and totals, for the deal's primary contact. */
  createOrderOnAccept: z.boolean().optional(),
  lines: z.array(lineInput).min(1).max(100),
};

export const createQuoteBody = z.strictObject({ dealId: id, ...quoteContent });
/** A new version replaces the content; earlier versions stay as they were. */
export const newVersionBody = z.strictObject(quoteContent);
export type QuoteContent = z.output<typeof newVersionBody>;

/** Staff record what happened to a quote: sent, accepted, declined, expired. */
export const updateQuoteStatusBody = z.strictObject({ status: z.enum(['sent', 'accepted', 'declined', 'expired']) });

export const quoteIdParams = z.strictObject({ id });
export const versionParams = z.strictObject({ id, number: z.coerce.number().int().min(1).max(9999) });
export const listQuotesQuery = listQuery.extend({ dealId: id });
export const versionsQuery = listQuery;

const quoteLine = z
  .object({
    productId: id,
    sku: z.string(),
    name: z.string(),
    description: z.string().optional(),
    quantity: z.number(),
    unitAmount: z.number().int(),
    /** Where the unit price came from: the price book, or the request. */
    priceFrom: z.enum(['price_book', 'given']),
    discount: discount.optional(),
    taxRateBp: z.number().int(),
    grossAmount: z.number().int(),
    discountAmount: z.number().int(),
    netAmount: z.number().int(),
    taxAmount: z.number().int(),
    totalAmount: z.number().int(),
  })
  .meta({ id: 'QuoteLine' });
export type QuoteLine = z.infer<typeof quoteLine>;

const totals = z.object({ net: z.number().int(), tax: z.number().int(), total: z.number().int() }).meta({ id: 'QuoteTotals' });

const versionFields = {
  /** The version number: 1, 2… */
  number: z.number().int(),
  priceBookId: id,
  currency: z.string(),
  lines: z.array(quoteLine),
  totals,
  validUntil: z.string().optional(),
  note: z.string().optional(),
  winDealOnAccept: z.boolean(),
  /** Absent on quotes made before the setting existed: false. */
  createOrderOnAccept: z.boolean().optional(),
};

export const quoteVersionResponse = z
  .object({ quoteId: id, ...versionFields, createdBy: z.string(), createdAt: z.string() })
  .meta({ id: 'QuoteVersion' });
export type QuoteVersion = z.infer<typeof quoteVersionResponse>;

export const quoteResponse = z
  .object({
    id,
    /** The ETag: changes with every write (a new version, a status). */
    version: z.number().int(),
    dealId: id,
    status: z.enum(quoteStatuses),
    ...versionFields,
    sentAt: z.string().optional(),
    decidedAt: z.string().optional(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Quote' });
export type Quote = z.infer<typeof quoteResponse>;
/** The stored quote: the response plus the price entries (productId#currency) its versions use. */
export type StoredQuote = Quote & { priceRefs: string[] };

export const quotePageParams = z.strictObject({ token: z.string().min(1).max(2048) });
/** The form's button (accept or decline), or JSON; anything else shows the page again (400). */
export const quoteAnswerBody = z.strictObject({ decision: z.string().max(20).optional() });
