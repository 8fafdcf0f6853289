import { eventHandler } from '../../shared/events/subscriber.ts';
import { activitiesApi } from '../activities/api.ts';
import { messagingApi } from '../messaging/api.ts';
import { conversationEffects } from './conversation-effects.ts';
import { ticketRepository } from './repository.ts';

const effects = conversationEffects({
  message: (tenantId, ticketId, messageId) => ticketRepository.getMessage(tenantId, ticketId, messageId),
  firstMessage: async (tenantId, ticketId) => (await ticketRepository.conversation(tenantId, ticketId, false, { limit: 1 })).items[0],
  ticket: (tenantId, ticketId) => ticketRepository.getTicket(tenantId, ticketId, true),
  record: (input) => activitiesApi.record(input),
  send: (request) => messagingApi.send(request),
});

/** The conversation on the contact's timeline, and agents' replies emailed to the customer. */
export const handler = eventHandler('tickets', {
  'ticket.created': (event) => effects.created(event.tenantId, event.data.ticketId),
  'ticket.replied': (event) => effects.replied(event.tenantId, event.data.ticketId, event.data.messageId),
});
