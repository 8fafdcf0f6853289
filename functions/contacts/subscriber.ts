import { eventHandler } from '../../shared/events/subscriber.ts';
import { contactRepository } from './repository.ts';

/** Keeps contacts' engagement times current from facts other systems report. */
export const handler = eventHandler({
  'order.placed': async (event) => {
    await contactRepository.touch(event.tenantId, String(event.data.contactId), 'order', event.occurredAt);
  },
});
