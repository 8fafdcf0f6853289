import { eventHandler } from '../../shared/events/subscriber.ts';
import { ticketsApi } from '../tickets/api.ts';
import { noBusinessCalendar } from './ports.ts';
import { serviceReportRepository } from './repository.ts';
import type { TicketEvent } from './rules.ts';
import { applySurveyResponse, applyTicketEvent, type ServiceReportPorts } from './service.ts';

/** The tickets context's reads, and the business-time port (calendar minutes only until it is wired to the SLA calendars). */
const ports: ServiceReportPorts = { tickets: ticketsApi, businessMinutes: noBusinessCalendar };
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
