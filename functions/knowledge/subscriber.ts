import { eventHandler } from '../../shared/events/subscriber.ts';
import { knowledgeRepository } from './repository.ts';
import { knowledgeCore } from './service.ts';

const core = knowledgeCore(knowledgeRepository);

/** A ticket a contact opens within 24 h of a search keeps that session's views from counting as deflections. */
export const handler = eventHandler('knowledge', {
  'ticket.created': async (event) => {
    // Keyed by the ticket and its time: a redelivery writes the same item.
    await core.ticketCreated(event.tenantId, event.data.contactId, event.occurredAt, event.data.ticketId);
  },
});
