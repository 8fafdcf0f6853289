import { decodeCursor, encodeCursor } from '../../shared/db/cursor.ts';
import { isWriteConflict } from '../../shared/db/transact.ts';
import type { ConsumedEvent } from '../../shared/events/catalog.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { retry } from '../../shared/retry.ts';
import { noTeam } from './items.ts';
import type { BusinessMinutes, TicketReader } from './ports.ts';
import type { ServiceReportConflict, ServiceReportRepository } from './repository.ts';
import type { serviceReportRoutes } from './routes.ts';
import {
  addDays,
  csatChanges,
  daysBetween,
  mergeChanges,
  needsTicket,
  planEvent,
  sampleChanges,
  scopeDays,
  sumGauges,
  type TicketEvent,
} from './rules.ts';
import { daysPerPage, type ServiceReport } from './schemas.ts';

export interface ServiceReportPorts {
  tickets: TicketReader;
  businessMinutes: BusinessMinutes;
}

const applyAttempts = 10;
const applied = (error: unknown) => isWriteConflict<ServiceReportConflict>(error, 'APPLIED');

/**
 * Applies one ticket event to the counters: reads the ticket's counter state,
 * and (when the event measures a first response, next response or resolution)
 * the ticket itself, then writes the new state, the event's marker and every
 * counter change in one transaction. A redelivered event fails on its marker
 * and changes nothing; a race with another event of the same ticket is retried
 * on fresh state.
 */
export const applyTicketEvent = (repo: ServiceReportRepository, ports: ServiceReportPorts, event: TicketEvent) =>
  retry(
    async () => {
      const before = await repo.ticketState(event.tenantId, event.data.ticketId);
      const ticket = needsTicket(before, event)
        ? await ports.tickets.get({ tenantId: event.tenantId, ticketId: event.data.ticketId })
        : undefined;
      const { after, changes, samples } = planEvent(before, event, ticket);
      const measured = await Promise.all(
        samples.map(async (s) => sampleChanges(s, await ports.businessMinutes(event.tenantId, s.from, s.to, s.calendarId))),
      );
      const all = mergeChanges([...changes, ...measured.flat()]);
      // Every team counted under is listed once: the ticket's own team was listed when its state first held it.
      const known = before && (before.teamId ?? noTeam);
      const teams = [...new Set([after.teamId ?? noTeam, ...all.map((c) => c.scope)])].filter((t) => t !== '*' && t !== known);
      try {
        await repo.apply(event.tenantId, { eventId: event.id, ticket: { before, after }, changes: all, teams });
      } catch (error) {
        if (applied(error)) return;
        throw error;
      }
    },
    { attempts: applyAttempts, retryOn: (error) => isWriteConflict<ServiceReportConflict>(error, 'STATE') },
  );

/** Counts a CSAT answer: for the tenant, and for its ticket's team when the response names a ticket the counters know. */
export const applySurveyResponse = async (repo: ServiceReportRepository, event: ConsumedEvent<'survey.responded'>) => {
  if (event.data.kind !== 'csat') return;
  const { ticketId } = event.data;
  const state = ticketId ? await repo.ticketState(event.tenantId, ticketId) : undefined;
  try {
    await repo.apply(event.tenantId, { eventId: event.id, changes: csatChanges(event, state && (state.teamId ?? noTeam)), teams: [] });
  } catch (error) {
    if (!applied(error)) throw error;
  }
};

/** The figures of one scope for a page of days. */
const scopeRows = async (repo: ServiceReportRepository, tenantId: string, scope: string, from: string, to: string) => {
  const read = await repo.readScope(tenantId, scope, from, to);
  const before = [...read.days].filter(([day]) => day < from).map(([, c]) => c);
  return scopeDays(daysBetween(from, to), read.days, sumGauges([...read.earlier, ...before]));
};

export const serviceReportsService = (repo: ServiceReportRepository) => {
  const service: ServiceFor<typeof serviceReportRoutes, RequestContext> = {
    async serviceReport({ query }, ctx) {
      const { from, to, teamId, groupBy } = query;
      const scope = `service-report:${ctx.tenantId}:${from}:${to}:${groupBy}:${teamId ?? '*'}`;
      const start = query.cursor ? String((await decodeCursor(query.cursor, scope))?.day) : from;
      const pageEnd = addDays(start, daysPerPage - 1);
      const last = [pageEnd, to].sort()[0]!;
      let rows: ServiceReport['rows'];
      if (groupBy === 'team') {
        const teams = await repo.teams(ctx.tenantId);
        const perTeam = await Promise.all(teams.map((t) => scopeRows(repo, ctx.tenantId, t, start, last)));
        rows = daysBetween(start, last).flatMap((_, i) => teams.map((t, j) => ({ ...perTeam[j]![i]!, teamId: t })));
      } else {
        const figures = await scopeRows(repo, ctx.tenantId, teamId ?? '*', start, last);
        rows = teamId ? figures.map((r) => ({ ...r, teamId })) : figures;
      }
      const nextCursor = last < to ? await encodeCursor({ day: addDays(last, 1) }, scope) : undefined;
      return { from, to, groupBy, ...(teamId && { teamId }), rows, ...(nextCursor && { nextCursor }) };
    },
  };
  return service;
};
