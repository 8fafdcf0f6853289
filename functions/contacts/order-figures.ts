import type { ConsumedEvent } from '../../shared/events/catalog.ts';

/**
 * How one order event moves a contact's lifetime figures: `key` names the
 * change, so a redelivered event (or the same order reported twice) is
 * counted once. A placed order adds its total and one order; a cancelled one
 * takes them back; a refund takes back its amount (keyed by the cumulative
 * refunded amount, which only grows).
 */
export interface OrderFigureChange {
  key: string;
  currency: string;
  amount: number;
  orders: number;
}

export const placedFigures = ({ data }: ConsumedEvent<'order.placed'>): OrderFigureChange => ({
  key: `placed#${data.orderId}`,
  currency: data.total.currency,
  amount: data.total.amount,
  orders: 1,
});

export const cancelledFigures = ({ data }: ConsumedEvent<'order.cancelled'>): OrderFigureChange => ({
  key: `cancelled#${data.orderId}`,
  currency: data.total.currency,
  amount: -data.total.amount,
  orders: -1,
});

export const refundedFigures = ({ data }: ConsumedEvent<'order.refunded'>): OrderFigureChange => ({
  key: `refunded#${data.orderId}#${data.refundedAmount.amount}`,
  currency: data.amount.currency,
  amount: -data.amount.amount,
  orders: 0,
});

/** The contact's figures after a change. */
export const withFigures = (
  seen: { lifetimeValue?: Record<string, number>; orderCount?: number },
  change: OrderFigureChange,
): { lifetimeValue: Record<string, number>; orderCount: number } => ({
  lifetimeValue: { ...seen.lifetimeValue, [change.currency]: (seen.lifetimeValue?.[change.currency] ?? 0) + change.amount },
  orderCount: (seen.orderCount ?? 0) + change.orders,
});
