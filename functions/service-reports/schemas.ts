import * as z from 'zod';
import { slaTargets, ticketPriorities } from '../../shared/events/catalog.ts';
import { backlogStatuses } from './rules.ts';

/** The longest range one report covers, and the most days one page of it holds. */
export const maxRangeDays = 366;
export const daysPerPage = 31;

const day = z.iso.date('a UTC day such as 2026-12-02');
const span = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;

export const serviceReportQuery = z
  .strictObject({
    from: day,
    to: day,
    /** One team's figures (`-` for tickets with no team); without it, the tenant's. */
    teamId: z.string().min(1).max(128).optional(),
    /** `day`: one row per day; `team`: one row per day and team (every team the counters know, `-` = no team). */
    groupBy: z.enum(['day', 'team']).default('day'),
    cursor: z.string().max(2048).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
    else if (span(q.from, q.to) > maxRangeDays)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `a report covers at most ${maxRangeDays} days` });
    if (q.teamId && q.groupBy === 'team')
      ctx.addIssue({ code: 'custom', path: ['groupBy'], message: 'groupBy=team reads every team; drop teamId' });
  });

const percentiles = z.object({
  count: z.number().int(),
  /** Nearest-rank median and 90th percentile from log-scale buckets (within 9.05 % for values of a minute or more); null with no sample. */
  medianMinutes: z.number().nullable(),
  p90Minutes: z.number().nullable(),
});
const durations = z.object({
  calendar: percentiles,
  /** In the business hours of the ticket's SLA calendar; count 0 while business time is not known. */
  business: percentiles,
});
const attainment = z.object({ met: z.number().int(), breached: z.number().int(), attainment: z.number().nullable() });

export const serviceReportRow = z.object({
  day: z.string(),
  /** With groupBy=team or teamId: the team (`-` = no team). */
  teamId: z.string().optional(),
  created: z.number().int(),
  resolved: z.number().int(),
  reopened: z.number().int(),
  /** Unresolved tickets at the day's end (UTC). */
  backlog: z.object({
    total: z.number().int(),
    byStatus: z.object(
      Object.fromEntries(backlogStatuses.map((s) => [s, z.number().int()])) as Record<(typeof backlogStatuses)[number], z.ZodNumber>,
    ),
    byPriority: z.object(
      Object.fromEntries(ticketPriorities.map((p) => [p, z.number().int()])) as Record<(typeof ticketPriorities)[number], z.ZodNumber>,
    ),
  }),
  /** Creation to first public agent reply, of the first responses given that day. */
  firstResponse: durations,
  /** Creation to resolution, of the resolutions that day. */
  resolution: durations,
  /** Per SLA target: targets met that day and breaches that day. */
  sla: z.object(Object.fromEntries(slaTargets.map((t) => [t, attainment])) as Record<(typeof slaTargets)[number], typeof attainment>),
  /** CSAT survey answers received that day (1–5; satisfied = 4 or 5). */
  csat: z.object({ responses: z.number().int(), averageScore: z.number().nullable(), satisfiedRate: z.number().nullable() }),
});

export const serviceReportResponse = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: z.enum(['day', 'team']),
    teamId: z.string().optional(),
    /** The days of this page (at most 31), oldest first. */
    rows: z.array(serviceReportRow),
    /** The next page's days, when the range goes on. */
    nextCursor: z.string().optional(),
  })
  .meta({ id: 'ServiceReport' });
export type ServiceReport = z.infer<typeof serviceReportResponse>;
