import { eventHandler } from '../../shared/events/subscriber.ts';
import { slaApi } from '../sla/api.ts';
import { ticketsApi } from '../tickets/api.ts';
import { serviceReportRepository } from './repository.ts';
import type { TicketEvent } from './rules.ts';
import { applySurveyResponse, applyTicketEvent, type ServiceReportPorts } from './service.ts';

/** The tickets context's reads, and business minutes in the ticket's SLA calendar (the tenant's default one without it). */
const ports: ServiceReportPorts = {
  tickets: ticketsApi,
  businessMinutes: (tenantId, from, to, calendarId) =>
    slaApi.businessMinutesBetween({ tenantId, calendarId, from: new Date(from), to: new Date(to) }),
};
const ticket = (event: TicketEvent) => applyTicketEvent(serviceReportRepository, ports, event);

/**
 * Keeps the service report counters: each ticket event adds to the day's
 * counts and moves the backlog gauges; a CSAT answer counts for its day.
 * ticket.sla_warning changes no figure and is not subscribed.
 */
export const handler = eventHandler('service-reports', {
  'ticket.created': ticket,
  'ticket.updated': ticket,
  'ticket.assigned': ticket,
  'ticket.replied': ticket,
  'ticket.status_changed': ticket,
  'ticket.reopened': ticket,
  'ticket.resolved': ticket,
  'ticket.sla_breached': ticket,
  'survey.responded': (event) => applySurveyResponse(serviceReportRepository, event),
});
