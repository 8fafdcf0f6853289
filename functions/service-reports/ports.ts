import type { TicketsApi } from '../tickets/api.ts';

/**
 * Business minutes between two instants in a calendar (the ticket's SLA
 * calendar, or the tenant's default one when absent); undefined when no
 * business-hours calendar applies, and then only calendar minutes are counted.
 */
export type BusinessMinutes = (tenantId: string, from: string, to: string, calendarId?: string) => Promise<number | undefined>;

/** What the counters read of tickets: the one ticket an event measures (its creation time and SLA snapshot). */
export type TicketReader = Pick<TicketsApi, 'get'>;
