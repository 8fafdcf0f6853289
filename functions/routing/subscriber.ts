import { eventHandler } from '../../shared/events/subscriber.ts';
import { ticketsApi } from '../tickets/api.ts';
import { routingEngine } from './engine.ts';
import { routingRepository } from './repository.ts';

const engine = routingEngine(routingRepository, ticketsApi);

/**
 * Assignment from ticket events. Each handler reads the ticket and its
 * assignment guard fresh and writes on the guard's version, so a redelivered
 * or late event finds the work done and changes nothing.
 */
const settle = async (event: { tenantId: string; data: { ticketId: string } }) => {
  await engine.settle(event.tenantId, event.data.ticketId);
};

export const handler = eventHandler('routing', {
  'ticket.created': async (event) => {
    await engine.route(event.tenantId, event.data.ticketId);
  },
  'ticket.updated': async (event) => {
    if (event.data.changed.includes('teamId')) await engine.route(event.tenantId, event.data.ticketId);
  },
  'ticket.assigned': settle,
  'ticket.status_changed': settle,
  'ticket.reopened': settle,
  'team.updated': async (event) => {
    await engine.drainTeam(event.tenantId, event.data.teamId);
  },
});
