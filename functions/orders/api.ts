import { orderReferences } from './references.ts';
import { orderRepository } from './repository.ts';
import type { Order } from './schemas.ts';
import { type OrderFromQuote, orderService } from './service.ts';

export type { LineItem, Order, OrderStatus } from './schemas.ts';
export type { OrderFromQuote } from './service.ts';

/** What other contexts may ask of orders (an accepted quote makes its order). */
export const ordersApi = {
  get: ({ tenantId, orderId }: { tenantId: string; orderId: string }): Promise<Order | undefined> =>
    orderRepository.get(tenantId, orderId, true),

  /**
   * The order of an accepted quote, pending, with order.placed: the quote's
   * line items and totals as it computed them (they must add up: subtotal −
   * discount + tax = total). One order per quote: a retry answers the first
   * one with `created: false`. Throws a 422 DomainError when the contact,
   * company or deal does not exist.
   */
  async createFromQuote(input: OrderFromQuote): Promise<{ order: Order; created: boolean }> {
    return orderService(orderRepository, orderReferences).createFromQuote(input);
  },
};
export type OrdersApi = typeof ordersApi;
