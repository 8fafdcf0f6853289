import type { ConsumedEvent } from '../../shared/events/catalog.ts';
import { slaTargets, ticketPriorities } from '../../shared/events/catalog.ts';
import type { SlaTarget, Ticket, TicketPriority, TicketStatus } from '../tickets/api.ts';
import { bucketOf, type Histogram, histogramCount, percentile } from './histogram.ts';
import { type CounterLevel, noTeam } from './items.ts';

/** Statuses a ticket is in the backlog with (not yet resolved or closed). */
export const backlogStatuses = ['new', 'open', 'pending_customer', 'on_hold'] as const satisfies readonly TicketStatus[];
const inBacklog = (s: TicketStatus | undefined) => !!s && (backlogStatuses as readonly string[]).includes(s);

/** The SLA outcome counted for a target's current cycle, and where it was counted (to move it on a late breach). */
export interface Outcome {
  o: 'met' | 'breached';
  day: string;
  team: string;
}

/** A ticket as the counters last saw it. */
export interface TicketState {
  ticketId: string;
  /** `${occurredAt}|${eventId}` of the event status, priority and team were last taken from: an older event moves no gauge. */
  seen?: string;
  status?: TicketStatus;
  priority?: TicketPriority;
  teamId?: string;
  firstResponded: boolean;
  /** A customer message waits for the agent's next response (a next-response cycle is open). */
  awaitingNext: boolean;
  sla: Partial<Record<SlaTarget, Outcome>>;
  /** Bumped by every write: the state is written conditioned on it. */
  rev: number;
}

/** Adds to the counter fields of one counter item: scope `*` (tenant) or a team, a day/month/year. */
export interface CounterChange {
  scope: string;
  level: CounterLevel;
  period: string;
  add: Record<string, number>;
}

/** A duration to record in the histograms once its business minutes are known. */
export interface Sample {
  metric: 'fr' | 'rs';
  team: string;
  day: string;
  from: string;
  to: string;
  calendarId?: string;
}

export type TicketEventType =
  | 'ticket.created'
  | 'ticket.updated'
  | 'ticket.assigned'
  | 'ticket.replied'
  | 'ticket.status_changed'
  | 'ticket.reopened'
  | 'ticket.resolved'
  | 'ticket.sla_breached';
export type TicketEvent = { [T in TicketEventType]: ConsumedEvent<T> }[TicketEventType];

/** What the counters read of the ticket itself (when a first response, next response or resolution is measured). */
export type TicketFacts = Pick<Ticket, 'createdAt' | 'firstResponseAt' | 'sla'>;

export const dayOf = (iso: string) => new Date(iso).toISOString().slice(0, 10);
const teamOf = (teamId: string | undefined) => teamId ?? noTeam;

/** Field names of a counter item. */
export const fields = {
  created: 'created',
  resolved: 'resolved',
  reopened: 'reopened',
  backlog: 'bl',
  byStatus: (s: TicketStatus) => `bls_${s}`,
  byPriority: (p: TicketPriority) => `blp_${p}`,
  bucket: (metric: Sample['metric'], clock: 'c' | 'b', i: number) => `${metric}_${clock}_${i}`,
  slaMet: (t: SlaTarget) => `sla_${t}_met`,
  slaBreached: (t: SlaTarget) => `sla_${t}_breached`,
  csatResponses: 'csat_n',
  csatScore: 'csat_sum',
  csatSatisfied: 'csat_sat',
} as const;
const isGaugeField = (f: string) => f === fields.backlog || f.startsWith('bls_') || f.startsWith('blp_');

/** Counts on a day's items, of the tenant and of the team. */
const dayCounts = (team: string, day: string, add: Record<string, number>): CounterChange[] => [
  { scope: '*', level: 'D', period: day, add },
  { scope: team, level: 'D', period: day, add },
];

/** A backlog change on a day: written to the day's, the month's and the year's items of the tenant and the team. */
const gaugeChange = (team: string, day: string, add: Record<string, number>): CounterChange[] =>
  ['*', team].flatMap((scope) => [
    { scope, level: 'D' as const, period: day, add },
    { scope, level: 'M' as const, period: day.slice(0, 7), add },
    { scope, level: 'Y' as const, period: day.slice(0, 4), add },
  ]);

const contribution = (s: Pick<TicketState, 'status' | 'priority'>, sign: 1 | -1) =>
  inBacklog(s.status)
    ? {
        [fields.backlog]: sign,
        [fields.byStatus(s.status!)]: sign,
        ...(s.priority && { [fields.byPriority(s.priority)]: sign }),
      }
    : undefined;

/** Sums changes of the same item, dropping fields that net to zero and items left empty. */
export const mergeChanges = (changes: CounterChange[]): CounterChange[] => {
  const byItem = new Map<string, CounterChange>();
  for (const c of changes) {
    const key = `${c.scope}|${c.level}|${c.period}`;
    const item = byItem.get(key) ?? { ...c, add: {} };
    for (const [f, v] of Object.entries(c.add)) item.add[f] = (item.add[f] ?? 0) + v;
    byItem.set(key, item);
  }
  return [...byItem.values()]
    .map((c) => ({ ...c, add: Object.fromEntries(Object.entries(c.add).filter(([, v]) => v !== 0)) }))
    .filter((c) => Object.keys(c.add).length > 0);
};

/** True when applying the event measures something of the ticket itself (its creation time, its SLA targets). */
export const needsTicket = (before: TicketState | undefined, event: TicketEvent) =>
  event.type === 'ticket.resolved' ||
  (event.type === 'ticket.replied' &&
    event.data.author === 'agent' &&
    event.data.public &&
    (!before?.firstResponded || before.awaitingNext));

const freshState = (ticketId: string): TicketState => ({ ticketId, firstResponded: false, awaitingNext: false, sla: {}, rev: 0 });

/**
 * One ticket event applied to a ticket's counter state: the state after it,
 * the counter changes and the durations to record. Counts (created, resolved,
 * reopened, SLA outcomes) go to the day the event occurred (UTC), under the
 * team the event names; the backlog moves from the ticket's last seen status,
 * priority and team to the event's, on the event's day, unless a later event
 * was seen already.
 */
export const planEvent = (before: TicketState | undefined, event: TicketEvent, ticket?: TicketFacts) => {
  const after: TicketState = structuredClone(before ?? freshState(event.data.ticketId));
  after.rev = (before?.rev ?? 0) + 1;
  const changes: CounterChange[] = [];
  const samples: Sample[] = [];
  const day = dayOf(event.occurredAt);
  const data = event.data;
  const team = teamOf(data.teamId ?? (event.type === 'ticket.resolved' ? before?.teamId : undefined));

  // The backlog gauges: the newest event seen says where the ticket is.
  const order = `${event.occurredAt}|${event.id}`;
  if (!before?.seen || order > before.seen) {
    const next = {
      status: 'status' in data ? data.status : 'resolved',
      priority: data.priority ?? before?.priority,
      teamId: data.teamId ?? before?.teamId,
    } as const;
    const out = before && contribution(before, -1);
    const into = contribution(next, 1);
    if (out) changes.push(...gaugeChange(teamOf(before.teamId), day, out));
    if (into) changes.push(...gaugeChange(teamOf(next.teamId), day, into));
    after.seen = order;
    after.status = next.status;
    after.priority = next.priority;
    after.teamId = next.teamId;
  }

  const fulfil = (target: SlaTarget, on: string) => {
    const due = ticket?.sla?.targets[target];
    // A target the ticket's policy does not set, a cycle already decided, or a breach its own event will count.
    if (!due || after.sla[target] || due.breached) return;
    after.sla[target] = { o: 'met', day: on, team };
    changes.push(...dayCounts(team, on, { [fields.slaMet(target)]: 1 }));
  };

  switch (event.type) {
    case 'ticket.created':
      changes.push(...dayCounts(team, day, { [fields.created]: 1 }));
      break;
    case 'ticket.reopened':
      changes.push(...dayCounts(team, day, { [fields.reopened]: 1 }));
      break;
    case 'ticket.resolved':
      changes.push(...dayCounts(team, day, { [fields.resolved]: 1 }));
      if (ticket) samples.push({ metric: 'rs', team, day, from: ticket.createdAt, to: event.occurredAt, ...calendar(ticket) });
      fulfil('resolution', day);
      break;
    case 'ticket.replied': {
      if (!event.data.public) break;
      if (event.data.author === 'customer') {
        if (after.firstResponded && !after.awaitingNext) {
          after.awaitingNext = true;
          delete after.sla.nextResponse;
        }
        break;
      }
      if (!after.firstResponded) {
        after.firstResponded = true;
        if (ticket) {
          const to = ticket.firstResponseAt ?? event.occurredAt;
          samples.push({ metric: 'fr', team, day: dayOf(to), from: ticket.createdAt, to, ...calendar(ticket) });
        }
        fulfil('firstResponse', day);
      } else if (after.awaitingNext) {
        after.awaitingNext = false;
        fulfil('nextResponse', day);
      }
      break;
    }
    case 'ticket.sla_breached': {
      const target = event.data.target;
      const counted = after.sla[target];
      if (counted?.o === 'breached') break;
      // Met was counted before the breach arrived: the breach is permanent on the ticket, so the met moves to breached.
      if (counted?.o === 'met') changes.push(...dayCounts(counted.team, counted.day, { [fields.slaMet(target)]: -1 }));
      after.sla[target] = { o: 'breached', day, team };
      changes.push(...dayCounts(team, day, { [fields.slaBreached(target)]: 1 }));
      break;
    }
    default:
      break;
  }
  return { after, changes: mergeChanges(changes), samples };
};

const calendar = (ticket: TicketFacts) => (ticket.sla?.calendarId ? { calendarId: ticket.sla.calendarId } : {});

/** The histogram counts of a measured duration: calendar minutes always, business minutes when known. */
export const sampleChanges = (sample: Sample, businessMinutes: number | undefined): CounterChange[] => {
  const minutes = Math.max(0, (Date.parse(sample.to) - Date.parse(sample.from)) / 60_000);
  return dayCounts(sample.team, sample.day, {
    [fields.bucket(sample.metric, 'c', bucketOf(minutes))]: 1,
    ...(businessMinutes !== undefined && { [fields.bucket(sample.metric, 'b', bucketOf(Math.max(0, businessMinutes)))]: 1 }),
  });
};

/** A satisfaction response: counted on its day for the tenant, and for the team of its ticket when it names one we know. */
export const csatChanges = (event: ConsumedEvent<'survey.responded'>, ticketTeam: string | undefined): CounterChange[] => {
  if (event.data.kind !== 'csat') return [];
  const day = dayOf(event.occurredAt);
  const add = { [fields.csatResponses]: 1, [fields.csatScore]: event.data.score, [fields.csatSatisfied]: event.data.score >= 4 ? 1 : 0 };
  return mergeChanges(ticketTeam === undefined ? [{ scope: '*', level: 'D', period: day, add }] : dayCounts(ticketTeam, day, add));
};

// ---- Reading ----

export type Counters = Record<string, number>;

/** Sums the backlog fields of counter items (the backlog before a day is the sum of every change before it). */
export const sumGauges = (items: Counters[]): Counters => {
  const out: Counters = {};
  for (const item of items)
    for (const [f, v] of Object.entries(item)) if (isGaugeField(f) && typeof v === 'number') out[f] = (out[f] ?? 0) + v;
  return out;
};

const histogramOf = (c: Counters, metric: Sample['metric'], clock: 'c' | 'b'): Histogram => {
  const h: Histogram = new Map();
  const prefix = `${metric}_${clock}_`;
  for (const [f, v] of Object.entries(c)) if (f.startsWith(prefix) && v > 0) h.set(Number(f.slice(prefix.length)), v);
  return h;
};

const durationFigures = (c: Counters, metric: Sample['metric']) => {
  const figures = (h: Histogram) => ({ count: histogramCount(h), medianMinutes: percentile(h, 0.5), p90Minutes: percentile(h, 0.9) });
  return { calendar: figures(histogramOf(c, metric, 'c')), business: figures(histogramOf(c, metric, 'b')) };
};

const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);
const n = (c: Counters, f: string) => c[f] ?? 0;

/** One day's figures from its counter item and the backlog at the day's end. */
export const dayFigures = (day: string, counts: Counters, backlog: Counters) => ({
  day,
  created: n(counts, fields.created),
  resolved: n(counts, fields.resolved),
  reopened: n(counts, fields.reopened),
  backlog: {
    total: n(backlog, fields.backlog),
    byStatus: Object.fromEntries(backlogStatuses.map((s) => [s, n(backlog, fields.byStatus(s))])) as Record<
      (typeof backlogStatuses)[number],
      number
    >,
    byPriority: Object.fromEntries(ticketPriorities.map((p) => [p, n(backlog, fields.byPriority(p))])) as Record<TicketPriority, number>,
  },
  firstResponse: durationFigures(counts, 'fr'),
  resolution: durationFigures(counts, 'rs'),
  sla: Object.fromEntries(
    slaTargets.map((t) => {
      const met = n(counts, fields.slaMet(t));
      const breached = n(counts, fields.slaBreached(t));
      return [t, { met, breached, attainment: ratio(met, met + breached) }];
    }),
  ) as Record<SlaTarget, { met: number; breached: number; attainment: number | null }>,
  csat: {
    responses: n(counts, fields.csatResponses),
    averageScore: ratio(n(counts, fields.csatScore), n(counts, fields.csatResponses)),
    satisfiedRate: ratio(n(counts, fields.csatSatisfied), n(counts, fields.csatResponses)),
  },
});
export type DayFigures = ReturnType<typeof dayFigures>;

/** The days from `from` to `to` inclusive (yyyy-mm-dd, UTC). */
export const daysBetween = (from: string, to: string) => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};
export const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * A scope's figures per day: `opening` is the backlog sum of every change
 * before the first day; each day's backlog adds that day's changes to it.
 */
export const scopeDays = (days: string[], dayItems: Map<string, Counters>, opening: Counters) => {
  let gauge = { ...opening };
  return days.map((day) => {
    const counts = dayItems.get(day) ?? {};
    gauge = sumGauges([gauge, counts]);
    return dayFigures(day, counts, gauge);
  });
};
