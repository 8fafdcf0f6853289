import type { FieldErrors } from '../../shared/errors.ts';
import type { Quote } from '../quotes/api.ts';
import type { LineItem, Order, OrderChange, OrderStatus } from './schemas.ts';

/** The statuses an order may move to from each status; cancelled and refunded are final. */
export const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['paid', 'cancelled'],
  paid: ['fulfilled', 'cancelled', 'refunded', 'partially_refunded'],
  fulfilled: ['refunded', 'partially_refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  cancelled: [],
  refunded: [],
};

export const allowedFrom = (status: OrderStatus) => transitions[status];

/** Σ quantity × unitAmount and Σ taxAmount of the lines, and their sum. */
export const totalsOf = (lines: LineItem[]) => {
  const subtotal = lines.reduce((sum, l) => sum + l.quantity * l.unitAmount, 0);
  const tax = lines.reduce((sum, l) => sum + l.taxAmount, 0);
  return { subtotal, tax, total: subtotal + tax };
};

/** Totals given by a caller (a quote) must add up: subtotal − discount + tax = total, none negative. */
export const totalsErrors = (t: { subtotal: number; discount?: number; tax: number; total: number }): FieldErrors => {
  const errors: FieldErrors = {};
  for (const [k, v] of Object.entries(t))
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) errors[`totals.${k}`] = ['a non-negative integer of minor units'];
  if (t.subtotal - (t.discount ?? 0) + t.tax !== t.total) errors['totals.total'] = ['must equal subtotal − discount + tax'];
  return errors;
};

export type Transition =
  | { kind: 'same' }
  | { kind: 'illegal'; allowed: readonly OrderStatus[] }
  | { kind: 'invalid'; errors: FieldErrors }
  | { kind: 'move'; refundedAmount?: number; refunded?: number };

/**
 * What a requested change does to an order: nothing (the same status again, a
 * retry), an illegal move (409 naming the allowed ones), a bad refund amount
 * (422), or a move with the cumulative refunded amount and this change's part of it.
 */
export const transition = (order: Order, change: OrderChange): Transition => {
  const total = order.total.amount;
  const before = order.refundedAmount?.amount ?? 0;
  const refundLike = change.status === 'refunded' || change.status === 'partially_refunded';
  if (change.refundedAmount !== undefined && !refundLike)
    return { kind: 'invalid', errors: { 'body.refundedAmount': ['only a refund has a refunded amount'] } };
  const asked = change.status === 'refunded' ? (change.refundedAmount ?? total) : change.refundedAmount;
  if (change.status === order.status && (!refundLike || asked === before)) return { kind: 'same' };
  const allowed = allowedFrom(order.status);
  if (!allowed.includes(change.status)) return { kind: 'illegal', allowed };
  if (!refundLike) return { kind: 'move' };
  if (asked === undefined) return { kind: 'invalid', errors: { 'body.refundedAmount': ['required for a partial refund'] } };
  if (asked > total) return { kind: 'invalid', errors: { 'body.refundedAmount': [`at most the order total, ${total}`] } };
  if (change.status === 'refunded' && asked !== total)
    return { kind: 'invalid', errors: { 'body.refundedAmount': [`a full refund is the order total, ${total}; use partially_refunded`] } };
  if (change.status === 'partially_refunded' && asked === total)
    return { kind: 'invalid', errors: { 'body.refundedAmount': ['the whole total: use refunded'] } };
  if (asked <= before)
    return { kind: 'invalid', errors: { 'body.refundedAmount': [`more than already refunded, ${before} (the amount is cumulative)`] } };
  return { kind: 'move', refundedAmount: asked, refunded: asked - before };
};

/**
 * What an accepted quote hands its order: one line per quote line (a
 * fractional quantity, hours or kilograms, becomes one unit at the line's
 * gross amount, the quantity in its name), and the quote's own totals:
 * subtotal Σ gross, discount Σ line discounts, tax and total as quoted.
 */
export const orderFromQuote = (q: Quote) => {
  const lineItems: LineItem[] = q.lines.map((l) =>
    Number.isInteger(l.quantity)
      ? { sku: l.sku, name: l.name, quantity: l.quantity, unitAmount: l.unitAmount, taxAmount: l.taxAmount }
      : { sku: l.sku, name: `${l.name} × ${l.quantity}`.slice(0, 200), quantity: 1, unitAmount: l.grossAmount, taxAmount: l.taxAmount },
  );
  const subtotal = q.lines.reduce((sum, l) => sum + l.grossAmount, 0);
  const discount = q.lines.reduce((sum, l) => sum + l.discountAmount, 0);
  return {
    quoteId: q.id,
    dealId: q.dealId,
    currency: q.currency,
    lineItems,
    totals: { subtotal, ...(discount && { discount }), tax: q.totals.tax, total: q.totals.total },
  };
};
