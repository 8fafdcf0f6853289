import { eventHandler } from '../../shared/events/subscriber.ts';
import { cancelledFigures, placedFigures, refundedFigures } from './order-figures.ts';
import { type ContactRepository, contactRepository } from './repository.ts';

/**
 * Keeps contacts' engagement times, recent orders and lifetime figures
 * (lifetimeValue per currency, orderCount) current from order events, whether
 * Rapport's orders context or an integration (POST /events) reported them.
 */
export const contactEventHandlers = (repo: ContactRepository) => ({
  'order.placed': async (event: Parameters<typeof placedFigures>[0]) => {
    const { contactId, orderId, total, items } = event.data;
    await repo.recordOrder(event.tenantId, contactId, {
      orderId,
      placedAt: event.occurredAt,
      total,
      ...(items ? { items } : {}),
    });
    await repo.applyOrderFigures(event.tenantId, contactId, placedFigures(event));
    await repo.touch(event.tenantId, contactId, 'order', event.occurredAt);
  },
  'order.cancelled': (event: Parameters<typeof cancelledFigures>[0]) =>
    repo.applyOrderFigures(event.tenantId, event.data.contactId, cancelledFigures(event)),
  'order.refunded': (event: Parameters<typeof refundedFigures>[0]) =>
    repo.applyOrderFigures(event.tenantId, event.data.contactId, refundedFigures(event)),
  'contact.deleted': (event: { tenantId: string; data: { contactId: string } }) => repo.deleteOrders(event.tenantId, event.data.contactId),
});

export const handler = eventHandler('contacts', contactEventHandlers(contactRepository));
