import { eventHandler } from '../../shared/events/subscriber.ts';
import { contactRepository } from './repository.ts';

/** Keeps contacts' engagement times and recent orders current from facts other systems report. */
export const handler = eventHandler('contacts', {
  'order.placed': async (event) => {
    const { contactId, orderId, total, items } = event.data;
    await contactRepository.recordOrder(event.tenantId, contactId, {
      orderId,
      placedAt: event.occurredAt,
      total,
      ...(items ? { items } : {}),
    });
    await contactRepository.touch(event.tenantId, contactId, 'order', event.occurredAt);
  },
  'contact.deleted': (event) => contactRepository.deleteOrders(event.tenantId, event.data.contactId),
});
