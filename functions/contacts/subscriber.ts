import { eventHandler } from '../../shared/events/subscriber.ts';
import { contactRepository } from './repository.ts';
import type { OrderSummary } from './schemas.ts';

/** Keeps contacts' engagement times and recent orders current from facts other systems report. */
export const handler = eventHandler('contacts', {
  'order.placed': async (event) => {
    const contactId = String(event.data.contactId);
    const { orderId, total, items } = event.data as Omit<OrderSummary, 'placedAt'>;
    await contactRepository.recordOrder(event.tenantId, contactId, {
      orderId,
      placedAt: event.occurredAt,
      total,
      ...(items ? { items } : {}),
    });
    await contactRepository.touch(event.tenantId, contactId, 'order', event.occurredAt);
  },
  'contact.deleted': (event) => contactRepository.deleteOrders(event.tenantId, String(event.data.contactId)),
});
