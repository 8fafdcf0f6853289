import { defineRoutes } from '../../shared/http/route.ts';
import { ingestEventBody, ingestEventResponse } from './schemas.ts';

export const eventRoutes = defineRoutes('events', {
  ingestEvent: {
    method: 'POST',
    path: '/events',
    summary: 'Publish a domain event from a trusted integration (ticket.resolved, order.placed, deal.stage_changed)',
    roles: ['admin'],
    body: ingestEventBody,
    response: ingestEventResponse,
    status: 202,
    alsoAnswers: { 200: 'Duplicate: an event with this sourceId was already published' },
    unprocessable: 'data.contactId names no contact',
  },
});
