import type { ConsumedEvent } from '../../shared/events/catalog.ts';
import { matchesPattern } from '../../shared/events/pattern.ts';
import { stableId } from '../../shared/ports/ids.ts';
import type { TicketSla } from '../tickets/api.ts';
import { calendarTime, minuteMs, type TimeMeasure } from './business-time.ts';
import type { SlaEventType } from './event-types.ts';
import type { EscalationOn, Policy, SlaTarget, TargetSpec } from './schemas.ts';

/** What every ticket event says of the ticket (the catalog's ticket data). */
export type TicketFacts = ConsumedEvent<'ticket.created'>['data'];

/** One target of one ticket, as last computed. */
export interface TargetRecord {
  /** nextResponse: which unanswered customer reply it times (1, 2, …); 1 for the others. */
  cycle: number;
  /** Bumps whenever its timers move: timer names carry it, so a timer of an older revision does nothing. */
  rev: number;
  minutes: number;
  /** Counted in business hours of calendarId (false: calendar time). */
  businessTime: boolean;
  calendarId?: string;
  startedAt: string;
  dueAt: string;
  warnAt?: string;
  /** This cycle's warning fired. */
  warnedAt?: string;
  metAt?: string;
  /** Permanent once true, across cycles. */
  breached: boolean;
  /** This cycle's breach fired. */
  breachedAt?: string;
  /** Counted minutes past due: at the breach, then up to when the target was met. */
  overdueMinutes?: number;
}

export interface Pause {
  from: string;
  to?: string;
  /** status: pending customer or on hold; resolved: between a resolution and a reopening. */
  why: 'status' | 'resolved';
}

/** The SLA state of one ticket: the facts the events told, and each target's record. */
export interface SlaState {
  ticketId: string;
  version: number;
  /** Of the snapshot written to the ticket. */
  revision: number;
  ticket: TicketFacts;
  /** When the facts in `ticket` were true: an older event arriving late does not overwrite them. */
  factsAt?: string;
  /** The contact's `tier` attribute, read when the ticket was created. */
  tier?: string;
  policyId: string;
  createdAt: string;
  firstRespondedAt?: string;
  /** A customer reply after the first response, not answered yet: nextResponse runs from it. */
  awaitingSince?: string;
  nextCycle: number;
  resolvedAt?: string;
  pauses: Pause[];
  targets: Partial<Record<SlaTarget, TargetRecord>>;
  /** Ids of the events already applied (the most recent), so a redelivery changes nothing. */
  seen: string[];
}

export const pausedStatuses = ['pending_customer', 'on_hold'] as const;
const resolvedStatuses = ['resolved', 'closed'];
const rematchFields = ['priority', 'category', 'tags', 'channel'];
export const seenKept = 50;

/** How a target's time is counted: the measure of its calendar (or calendar time). */
export type MeasureOf = (record: Pick<TargetRecord, 'businessTime' | 'calendarId'>) => TimeMeasure;
/** The effective way a policy's target counts: business time only with a calendar that exists. */
export type ResolveSpec = (spec: TargetSpec) => Pick<TargetRecord, 'businessTime' | 'calendarId'>;

// ----------------------------------------------------------------- matching

/** The facts conditions match: { priority, category, channel, tier, tags }. */
export const matchFacts = (ticket: TicketFacts, tier: string | undefined) => ({
  priority: ticket.priority,
  channel: ticket.channel,
  tags: ticket.tags,
  ...(ticket.category !== undefined && { category: ticket.category }),
  ...(tier !== undefined && { tier }),
});

/** The first policy, in order, whose conditions match; the default one (last, no conditions) matches everything. */
export const matchPolicy = (policies: Policy[], ticket: TicketFacts, tier: string | undefined): Policy | undefined => {
  const facts = matchFacts(ticket, tier);
  return policies.find((p) => !p.conditions || matchesPattern(p.conditions, facts));
};

// ------------------------------------------------------------------- facts

/** A ticket event the SLA follows, discriminated by type. */
export type TicketEvent = { [T in SlaEventType]: ConsumedEvent<T> }[SlaEventType];

const closeOpen = (pauses: Pause[], why: Pause['why'], at: string) =>
  pauses.map((p) => (p.why === why && !p.to ? { ...p, to: at < p.from ? p.from : at } : p));
const openPause = (pauses: Pause[], why: Pause['why']) => pauses.find((p) => p.why === why && !p.to);

/** Pauses and resolution follow the status the event reports. */
const followStatus = (state: SlaState, status: string, at: string): SlaState => {
  let next = state;
  const paused = (pausedStatuses as readonly string[]).includes(status);
  const resolved = resolvedStatuses.includes(status);
  if (paused && !openPause(next.pauses, 'status')) next = { ...next, pauses: [...next.pauses, { from: at, why: 'status' }] };
  if (!paused && openPause(next.pauses, 'status')) next = { ...next, pauses: closeOpen(next.pauses, 'status', at) };
  if (resolved && !next.resolvedAt) next = { ...next, resolvedAt: at, pauses: [...next.pauses, { from: at, why: 'resolved' }] };
  if (!resolved && next.resolvedAt) next = reopen(next, at);
  return next;
};

const reopen = (state: SlaState, at: string): SlaState => {
  if (!state.resolvedAt) return state;
  const { resolvedAt: _, ...rest } = state;
  return { ...rest, pauses: closeOpen(state.pauses, 'resolved', at) };
};

/** A new state for a ticket's first event (normally ticket.created). */
export const initialState = (ticket: TicketFacts, policyId: string, tier: string | undefined, createdAt: string): SlaState => ({
  ticketId: ticket.ticketId,
  version: 0,
  revision: 0,
  ticket,
  tier,
  policyId,
  createdAt,
  nextCycle: 0,
  pauses: [],
  targets: {},
  seen: [],
});

/**
 * The state after an event, and whether the policy must be matched again (a
 * change of what conditions see). Pure: times come from the event.
 */
export const applyEvent = (state: SlaState, event: TicketEvent): { state: SlaState; rematch: boolean } => {
  const at = event.occurredAt;
  const seen = [...state.seen, event.id].slice(-seenKept);
  if (event.type === 'ticket.resolved') {
    const data = event.data;
    const ticket = { ...state.ticket, ...(data.priority && { priority: data.priority }), status: 'resolved' as const };
    return { state: followStatus({ ...state, ticket, seen }, 'resolved', at), rematch: false };
  }
  const ticket = event.data as TicketFacts;
  // Delivery order is not event order: a late, older event adds its reply but leaves the newer status and fields.
  const older = !!state.factsAt && at < state.factsAt;
  let next: SlaState = older ? { ...state, seen } : { ...state, ticket: pickFacts(ticket), factsAt: at, seen };
  let rematch = false;
  switch (event.type) {
    case 'ticket.updated':
      rematch = event.data.changed.some((f) => rematchFields.includes(f));
      break;
    case 'ticket.replied': {
      const { author, public: isPublic } = event.data;
      if (!isPublic) break;
      if (author === 'agent') {
        if (!next.firstRespondedAt) next = { ...next, firstRespondedAt: at };
        if (next.awaitingSince) {
          const { awaitingSince: _, ...rest } = next;
          next = { ...rest, targets: metNext(next, at) };
        }
      } else if (next.firstRespondedAt && !next.awaitingSince) {
        next = { ...next, awaitingSince: at, nextCycle: next.nextCycle + 1 };
      }
      break;
    }
    case 'ticket.reopened':
      next = reopen(next, at);
      break;
    default:
      break;
  }
  return { state: older ? next : followStatus(next, ticket.status, at), rematch: rematch && !older };
};

const pickFacts = (t: TicketFacts): TicketFacts => ({
  ticketId: t.ticketId,
  contactId: t.contactId,
  reference: t.reference,
  channel: t.channel,
  status: t.status,
  priority: t.priority,
  ...(t.category !== undefined && { category: t.category }),
  ...(t.teamId !== undefined && { teamId: t.teamId }),
  ...(t.assigneeId !== undefined && { assigneeId: t.assigneeId }),
  tags: t.tags,
  subject: t.subject,
});

/** The agent's answer meets the running nextResponse cycle. */
const metNext = (state: SlaState, at: string): SlaState['targets'] => {
  const record = state.targets.nextResponse;
  if (!record || record.metAt || record.cycle !== state.nextCycle) return state.targets;
  return { ...state.targets, nextResponse: { ...record, metAt: at } };
};

// ------------------------------------------------------------------ targets

/** Counted time between `from` and `to`, paused time left out. */
export const activeMs = (measure: TimeMeasure, pauses: Pause[], from: string, to: string) => {
  let ms = measure.msBetween(new Date(from), new Date(to));
  for (const p of pauses) {
    const a = p.from > from ? p.from : from;
    const b = p.to && p.to < to ? p.to : to;
    if (b > a) ms -= measure.msBetween(new Date(a), new Date(b));
  }
  return Math.max(0, ms);
};

/** Pauses as disjoint spans, oldest first; an open one runs to `now`. */
const spans = (pauses: Pause[], now: string) => {
  const sorted = pauses.map((p) => ({ from: p.from, to: p.to ?? now })).sort((a, b) => a.from.localeCompare(b.from));
  const merged: { from: string; to: string }[] = [];
  for (const p of sorted) {
    const last = merged.at(-1);
    if (!last || p.from > last.to) merged.push({ ...p });
    else if (p.to > last.to) last.to = p.to;
  }
  return merged;
};

/**
 * The instant when `ms` of counted time have passed after `from`, paused time
 * left out: a point reached before a pause stays there; one after it moves by
 * the pause. While a pause is open, its end is taken as `now`.
 */
export const addActive = (measure: TimeMeasure, pauses: Pause[], from: string, ms: number, now: string): Date => {
  let cursor = new Date(from);
  let left = ms;
  for (const span of spans(pauses, now)) {
    const [a, b] = [new Date(span.from), new Date(span.to)];
    if (b <= cursor) continue;
    if (a > cursor) {
      const reached = measure.addMs(cursor, left);
      if (reached <= a) return reached;
      left -= measure.msBetween(cursor, a);
    }
    cursor = b;
  }
  return measure.addMs(cursor, left);
};

const isPaused = (state: SlaState) => state.pauses.some((p) => !p.to);

/** Whether a target still counts: not met, the ticket not resolved. */
export const isRunning = (state: SlaState, record: TargetRecord | undefined): record is TargetRecord =>
  !!record && !record.metAt && !state.resolvedAt;

/** Whether its timers should be pending: running and not paused. */
export const isArmed = (state: SlaState, record: TargetRecord | undefined): record is TargetRecord =>
  isRunning(state, record) && !isPaused(state);

/** Where a target's clock starts and which cycle it is; undefined when it does not run for this ticket (yet). */
const startOf = (state: SlaState, target: SlaTarget): { startedAt: string; cycle: number; metAt?: string } | undefined => {
  if (target === 'firstResponse') return { startedAt: state.createdAt, cycle: 1, metAt: state.firstRespondedAt };
  if (target === 'resolution') return { startedAt: state.createdAt, cycle: 1, metAt: state.resolvedAt };
  if (state.awaitingSince) return { startedAt: state.awaitingSince, cycle: state.nextCycle };
  return undefined;
};

/**
 * Each target of the policy computed anew at `now`: due and warning times in
 * its calendar with the paused time pushed out, met times, the breach kept.
 * A breached cycle keeps its due time; a record whose times moved gets a new
 * revision (its old timers become stale).
 */
export const computeTargets = (
  state: SlaState,
  policy: Policy,
  resolve: ResolveSpec,
  measureOf: MeasureOf,
  now: string,
): SlaState['targets'] => {
  const out: SlaState['targets'] = {};
  for (const [target, spec] of Object.entries(policy.targets) as [SlaTarget, TargetSpec | undefined][]) {
    const prev = state.targets[target];
    if (!spec) {
      // A target the new policy lacks: its history stays when it was met or breached.
      if (prev && (prev.metAt || prev.breached)) out[target] = prev;
      continue;
    }
    const start = startOf(state, target);
    if (!start) {
      // nextResponse between cycles: the last one answered, late by how much when it was breached.
      if (prev)
        out[target] =
          prev.breachedAt && prev.metAt
            ? { ...prev, overdueMinutes: overdue(measureOf(prev), state.pauses, prev.dueAt, prev.metAt) }
            : prev;
      continue;
    }
    const sameCycle = prev?.cycle === start.cycle;
    const how = resolve(spec);
    const measure = measureOf(how);
    const metAt = target === 'nextResponse' ? (sameCycle ? prev?.metAt : undefined) : start.metAt;
    if (sameCycle && prev?.breachedAt) {
      out[target] = {
        ...prev,
        metAt,
        overdueMinutes: metAt ? overdue(measureOf(prev), state.pauses, prev.dueAt, metAt) : prev.overdueMinutes,
      };
      if (!metAt) delete out[target]!.metAt;
      continue;
    }
    const total = spec.minutes * minuteMs;
    const point = (ms: number) => addActive(measure, state.pauses, start.startedAt, ms, now).toISOString();
    const dueAt = point(total);
    const warnAt = point(Math.floor((total * policy.warnAtPercent) / 100));
    const moved = !sameCycle || prev?.dueAt !== dueAt || prev?.warnAt !== warnAt;
    const record: TargetRecord = {
      cycle: start.cycle,
      rev: moved ? (prev?.rev ?? 0) + 1 : prev!.rev,
      minutes: spec.minutes,
      ...how,
      startedAt: start.startedAt,
      dueAt,
      warnAt,
      breached: prev?.breached ?? false,
    };
    if (sameCycle && prev?.warnedAt) record.warnedAt = prev.warnedAt;
    if (metAt) record.metAt = metAt;
    if (prev?.overdueMinutes !== undefined) record.overdueMinutes = prev.overdueMinutes;
    out[target] = record;
  }
  return out;
};

const overdue = (measure: TimeMeasure, pauses: Pause[], dueAt: string, until: string) =>
  Math.floor(activeMs(measure, pauses, dueAt, until) / minuteMs);

/** Minutes past due of a breached target at `now`, paused time left out. */
export const overdueMinutesAt = (state: SlaState, record: TargetRecord, measure: TimeMeasure, now: string) =>
  overdue(measure, state.pauses, record.dueAt, now);

// ------------------------------------------------------------------- timers

export interface TimerJob {
  name: string;
  at: Date;
  payload: TimerPayload;
}
export interface TimerPayload {
  kind: EscalationOn;
  tenantId: string;
  ticketId: string;
  target: SlaTarget;
  cycle: number;
  rev: number;
}

const short: Record<SlaTarget, string> = { firstResponse: 'fr', nextResponse: 'nr', resolution: 'rs' };

/** Stable per (ticket, target, kind, cycle, revision): scheduling it again is harmless, a new revision is a new name. */
export const timerName = (ticketId: string, target: SlaTarget, kind: EscalationOn, cycle: number, rev: number) =>
  `sla-${ticketId}-${short[target]}-${kind === 'warning' ? 'w' : 'b'}-${cycle}-${rev}`;

/** The timers a state wants pending: a warning (until it fired) and a breach per armed target. */
export const wantedTimers = (tenantId: string, state: SlaState): TimerJob[] => {
  const jobs: TimerJob[] = [];
  for (const [target, record] of Object.entries(state.targets) as [SlaTarget, TargetRecord][]) {
    if (!isArmed(state, record) || record.breachedAt) continue;
    const job = (kind: EscalationOn, at: string): TimerJob => ({
      name: timerName(state.ticketId, target, kind, record.cycle, record.rev),
      at: new Date(at),
      payload: { kind, tenantId, ticketId: state.ticketId, target, cycle: record.cycle, rev: record.rev },
    });
    if (record.warnAt && !record.warnedAt && record.warnAt < record.dueAt) jobs.push(job('warning', record.warnAt));
    jobs.push(job('breach', record.dueAt));
  }
  return jobs;
};

/** What to cancel and what to schedule going from one state's timers to another's. */
export const timerChanges = (before: TimerJob[], after: TimerJob[]) => {
  const had = new Set(before.map((j) => j.name));
  const wants = new Set(after.map((j) => j.name));
  return { cancel: [...had].filter((n) => !wants.has(n)), schedule: after.filter((j) => !had.has(j.name)) };
};

// ----------------------------------------------------------------- snapshot

/** The snapshot the ticket shows as `sla`. */
export const snapshotOf = (state: SlaState, measureOf: MeasureOf, now: string): TicketSla => {
  const main = state.targets.resolution ?? state.targets.firstResponse ?? state.targets.nextResponse;
  const measure = main ? measureOf(main) : calendarTime;
  const statusPauses = state.pauses.filter((p) => p.why === 'status');
  const pausedMs = statusPauses.reduce((ms, p) => ms + measure.msBetween(new Date(p.from), new Date(p.to ?? now)), 0);
  const open = statusPauses.find((p) => !p.to);
  const targets: TicketSla['targets'] = {};
  for (const [target, r] of Object.entries(state.targets) as [SlaTarget, TargetRecord][])
    targets[target] = {
      dueAt: r.dueAt,
      ...(r.warnAt && { warnAt: r.warnAt }),
      ...(r.warnedAt && { warnedAt: r.warnedAt }),
      ...(r.metAt && { metAt: r.metAt }),
      breached: r.breached,
      ...(r.overdueMinutes !== undefined && { overdueMinutes: r.overdueMinutes }),
    };
  return {
    policyId: state.policyId,
    ...(main?.calendarId && { calendarId: main.calendarId }),
    businessTime: main?.businessTime ?? false,
    pausedMinutes: Math.floor(pausedMs / minuteMs),
    ...(open && { pausedSince: open.from }),
    targets,
    revision: state.revision,
  };
};

/** The built-in policy's id for a tenant: the same for every writer. */
export const defaultPolicyId = (tenantId: string) => stableId(new Date(0), `${tenantId}#default-sla-policy`);

/** Every tenant's fallback: the first response within 24 hours, as the product promises; business time in the default calendar when one is set. */
export const defaultPolicy = (tenantId: string, now: string): Policy => ({
  id: defaultPolicyId(tenantId),
  version: 1,
  name: 'Default',
  isDefault: true,
  targets: { firstResponse: { minutes: 24 * 60, businessTime: true } },
  warnAtPercent: 80,
  escalation: [],
  createdAt: now,
  updatedAt: now,
});
