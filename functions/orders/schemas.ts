import * as z from 'zod';
import { id, listQuery, text } from '../../shared/domain/fields.ts';
import { money } from '../../shared/events/catalog.ts';

export const orderStatuses = ['pending', 'paid', 'fulfilled', 'cancelled', 'refunded', 'partially_refunded'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');
const minor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** One line: `unitAmount` per unit and `taxAmount` for the whole line, in minor units of the order's currency. */
export const lineItem = z.strictObject({
  sku: text(64),
  name: text(200),
  quantity: z.number().int().min(1).max(1_000_000),
  unitAmount: minor,
  taxAmount: minor.default(0),
});
export type LineItem = z.output<typeof lineItem>;

/** An order placed directly (a shop integration): the server computes the totals; `total`, when given, must match them. */
export const createOrderBody = z.strictObject({
  contactId: id,
  companyId: id.optional(),
  dealId: id.optional(),
  /** The shop's own order id: a second POST with it answers the first order (200) and writes nothing. */
  sourceId: text(128).optional(),
  currency,
  lineItems: z.array(lineItem).min(1).max(100),
  total: money.optional(),
});
export type NewOrder = z.output<typeof createOrderBody>;

/** A status transition; `refundedAmount` (minor units, cumulative) is required for partially_refunded. */
export const updateOrderBody = z.strictObject({
  status: z.enum(orderStatuses),
  refundedAmount: minor.optional(),
  reason: text(500).optional(),
});
export type OrderChange = z.output<typeof updateOrderBody>;

export const orderIdParams = z.strictObject({ id });
export const historyQuery = listQuery;

export const orderResponse = z
  .object({
    id,
    version: z.number().int(),
    status: z.enum(orderStatuses),
    contactId: id,
    companyId: id.optional(),
    dealId: id.optional(),
    /** The accepted quote the order came from. */
    quoteId: z.string().optional(),
    sourceId: z.string().optional(),
    lineItems: z.array(
      z.object({
        sku: z.string(),
        name: z.string(),
        quantity: z.number().int(),
        unitAmount: z.number().int(),
        taxAmount: z.number().int(),
      }),
    ),
    /** Σ quantity × unitAmount, less any discount the quote gave. */
    subtotal: money,
    discount: money.optional(),
    tax: money,
    /** subtotal − discount + tax. */
    total: money,
    /** How much was refunded so far (cumulative). */
    refundedAmount: money.optional(),
    cancelReason: z.string().optional(),
    placedAt: z.string(),
    paidAt: z.string().optional(),
    fulfilledAt: z.string().optional(),
    cancelledAt: z.string().optional(),
    refundedAt: z.string().optional(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Order' });
export type Order = z.infer<typeof orderResponse>;
