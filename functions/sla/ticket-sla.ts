import { isWriteConflict } from '../../shared/db/transact.ts';
import { systemActor } from '../../shared/domain/actor.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import type { Scheduler } from '../../shared/ports/scheduler.ts';
import { retry } from '../../shared/retry.ts';
import type { TicketPriority, TicketsApi } from '../tickets/api.ts';
import { businessTime, calendarTime, type TimeMeasure } from './business-time.ts';
import {
  applyEvent,
  computeTargets,
  defaultPolicy,
  defaultPolicyId,
  initialState,
  isArmed,
  type MeasureOf,
  matchPolicy,
  overdueMinutesAt,
  type ResolveSpec,
  type SlaState,
  snapshotOf,
  type TargetRecord,
  type TicketEvent,
  type TicketFacts,
  type TimerJob,
  type TimerPayload,
  timerChanges,
  wantedTimers,
} from './lifecycle.ts';
import type { PolicySet, SlaConflict, SlaRepository } from './repository.ts';
import type { Calendar, EscalationStep, Policy, SlaTarget } from './schemas.ts';

/** A transactional email to one address (messaging, through the contact holding it). */
export interface NotifyRequest {
  tenantId: string;
  email: string;
  subject: string;
  text: string;
  dedupeKey: string;
}

/** What the SLA lifecycle acts through: injected, so the rules run on fakes and a manual clock. */
export interface SlaPorts {
  repo: SlaRepository;
  scheduler: Scheduler;
  clock: Clock;
  tickets: Pick<TicketsApi, 'get' | 'assign' | 'update' | 'recordSla'>;
  /** The contact's `tier` attribute (what policy conditions call the customer tier). */
  tierOf(tenantId: string, contactId: string): Promise<string | undefined>;
  notify(request: NotifyRequest): Promise<void>;
}

const priorityRank: Record<TicketPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
const targetLabel: Record<SlaTarget, string> = { firstResponse: 'first response', nextResponse: 'next response', resolution: 'resolution' };
const attempts = 6;
const retriable = (error: unknown) => isWriteConflict<SlaConflict>(error, 'VERSION', 'EXISTS');

/** The policies in the order they are tried: the order's ids, any policy it misses, the default one last. */
export const orderedPolicies = (tenantId: string, set: PolicySet): Policy[] => {
  const defaultId = defaultPolicyId(tenantId);
  const byId = new Map(set.policies.map((p) => [p.id, p]));
  const listed = (set.order?.ids ?? []).flatMap((id) => (byId.has(id) && id !== defaultId ? [byId.get(id)!] : []));
  const rest = set.policies.filter((p) => p.id !== defaultId && !set.order?.ids.includes(p.id)).sort((a, b) => a.id.localeCompare(b.id));
  return [...listed, ...rest, byId.get(defaultId) ?? defaultPolicy(tenantId, new Date(0).toISOString())];
};

/** Schedules run to the second: a due time with milliseconds runs at the next whole second, never before it (nor in the past). */
const scheduleTime = (at: Date, now: Date) => new Date(Math.ceil(Math.max(at.getTime(), now.getTime() + 1000) / 1000) * 1000);

export const ticketSla = (ports: SlaPorts) => {
  const { repo } = ports;

  /** The tenant's policies and the calendars a computation needs, read once per invocation. */
  const configOf = async (tenantId: string) => {
    const set = await repo.policySet(tenantId);
    const policies = orderedPolicies(tenantId, set);
    const calendars = new Map<string, Calendar | undefined>();
    const load = async (ids: (string | undefined)[]) => {
      for (const id of ids) if (id && !calendars.has(id)) calendars.set(id, await repo.getCalendar(tenantId, id));
    };
    const measures = new Map<string, TimeMeasure>();
    const measureOf: MeasureOf = ({ businessTime: counted, calendarId }) => {
      const calendar = counted && calendarId ? calendars.get(calendarId) : undefined;
      if (!calendar) return calendarTime;
      let m = measures.get(calendar.id);
      if (!m) measures.set(calendar.id, (m = businessTime(calendar)));
      return m;
    };
    const resolve: ResolveSpec = (spec) => {
      const calendarId = spec.businessTime ? (spec.calendarId ?? set.defaultCalendarId) : undefined;
      return calendarId && calendars.get(calendarId) ? { businessTime: true, calendarId } : { businessTime: false };
    };
    /** Loads the calendars of a policy and of a state's records. */
    const prepare = async (policy: Policy, state?: SlaState) =>
      load([
        set.defaultCalendarId,
        ...Object.values(policy.targets).map((t) => t?.calendarId),
        ...Object.values(state?.targets ?? {}).map((r) => r?.calendarId),
      ]);
    return { policies, measureOf, resolve, prepare };
  };

  /** Schedules the timers; one whose time has passed already (a shorter target after a re-match) fires now, in this invocation. */
  const scheduleAll = async (jobs: TimerJob[]) => {
    const now = ports.clock.now();
    const due = jobs.filter((j) => j.at <= now).sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const job of jobs)
      if (!due.includes(job))
        await ports.scheduler.schedule({ name: job.name, at: scheduleTime(job.at, now), target: 'sla', payload: job.payload });
    for (const job of due) await fire(job.payload);
  };

  /** Moves the timers from what `before` wanted to what `after` wants. */
  const syncTimers = async (tenantId: string, before: SlaState | undefined, after: SlaState) => {
    const changes = timerChanges(before ? wantedTimers(tenantId, before) : [], wantedTimers(tenantId, after));
    for (const name of changes.cancel) await ports.scheduler.cancel(name);
    await scheduleAll(changes.schedule);
  };

  const record = (tenantId: string, state: SlaState, measureOf: MeasureOf, now: string) =>
    ports.tickets.recordSla({ tenantId, ticketId: state.ticketId, sla: snapshotOf(state, measureOf, now) });

  /** A state for a ticket whose first event here is not ticket.created (events arrive in any order): its facts from the ticket. */
  const startFrom = async (tenantId: string, event: TicketEvent): Promise<SlaState | undefined> => {
    if (event.type === 'ticket.resolved') return undefined;
    const facts = event.data as TicketFacts;
    const tier = await ports.tierOf(tenantId, facts.contactId);
    if (event.type === 'ticket.created') return initialState(facts, '', tier, event.occurredAt);
    const ticket = await ports.tickets.get({ tenantId, ticketId: facts.ticketId });
    if (!ticket) return undefined;
    const state = initialState(facts, '', tier, ticket.createdAt);
    return ticket.firstResponseAt ? { ...state, firstRespondedAt: ticket.firstResponseAt } : state;
  };

  /**
   * Applies a ticket event: the facts it tells, the policy matched again when
   * what conditions see changed, every target recomputed, the state written
   * at its version, then the timers moved and the snapshot written to the
   * ticket. A redelivered event only repairs timers and snapshot.
   */
  const handleEvent = async (event: TicketEvent): Promise<void> => {
    const tenantId = event.tenantId;
    const ticketId = event.data.ticketId;
    await retry(
      async () => {
        const before = await repo.getState(tenantId, ticketId);
        const config = await configOf(tenantId);
        if (before?.seen.includes(event.id) || (before && event.type === 'ticket.created')) {
          await config.prepare(config.policies.find((p) => p.id === before.policyId) ?? config.policies.at(-1)!, before);
          await scheduleAll(wantedTimers(tenantId, before));
          await record(tenantId, before, config.measureOf, ports.clock.now().toISOString());
          return;
        }
        const base = before ?? (await startFrom(tenantId, event));
        if (!base) return;
        const applied = applyEvent(base, event);
        let state = applied.state;
        const current = config.policies.find((p) => p.id === state.policyId);
        const policy = applied.rematch || !current ? matchPolicy(config.policies, state.ticket, state.tier)! : current;
        await config.prepare(policy, state);
        state = {
          ...state,
          policyId: policy.id,
          targets: computeTargets(state, policy, config.resolve, config.measureOf, event.occurredAt),
          version: (before?.version ?? 0) + 1,
          revision: (before?.revision ?? 0) + 1,
        };
        await repo.saveState(tenantId, before?.version ?? 0, state, []);
        await syncTimers(tenantId, before, state);
        await record(tenantId, state, config.measureOf, event.occurredAt);
      },
      { attempts, retryOn: retriable },
    );
  };

  const slaEvent = (
    tenantId: string,
    state: SlaState,
    target: SlaTarget,
    r: TargetRecord,
    type: 'ticket.sla_warning' | 'ticket.sla_breached',
    now: Date,
  ): DomainEvent =>
    domainEvent(
      tenantId,
      type,
      {
        ...state.ticket,
        target,
        policyId: state.policyId,
        dueAt: r.dueAt,
        overdueMinutes: type === 'ticket.sla_warning' ? 0 : (r.overdueMinutes ?? 0),
      },
      now,
    );

  /**
   * A warning or breach timer fired. The current state decides: a timer of an
   * older revision or cycle, of a met target or a paused ticket does nothing.
   * The warning or breach is written with its event in one transaction, then
   * each matching escalation step runs once.
   */
  async function fire(payload: TimerPayload): Promise<'stale' | 'fired' | 'repeated'> {
    const { tenantId, ticketId, target, kind } = payload;
    return retry(
      async () => {
        const state = await repo.getState(tenantId, ticketId);
        const r = state?.targets[target];
        if (!state || !r || r.cycle !== payload.cycle || r.rev !== payload.rev || !isArmed(state, r)) return 'stale';
        const config = await configOf(tenantId);
        const policy = config.policies.find((p) => p.id === state.policyId) ?? config.policies.at(-1)!;
        await config.prepare(policy, state);
        const now = ports.clock.now();
        const done = kind === 'warning' ? r.warnedAt : r.breachedAt;
        let after = state;
        if (!done) {
          const changed: TargetRecord =
            kind === 'warning'
              ? { ...r, warnedAt: now.toISOString() }
              : {
                  ...r,
                  breached: true,
                  breachedAt: now.toISOString(),
                  overdueMinutes: overdueMinutesAt(state, r, config.measureOf(r), now.toISOString()),
                };
          after = { ...state, targets: { ...state.targets, [target]: changed }, version: state.version + 1, revision: state.revision + 1 };
          const type = kind === 'warning' ? 'ticket.sla_warning' : 'ticket.sla_breached';
          await repo.saveState(tenantId, state.version, after, [slaEvent(tenantId, after, target, changed, type, now)]);
          // A breach ends the target's timers: its warning, when it never fired, goes too.
          await syncTimers(tenantId, state, after);
          await record(tenantId, after, config.measureOf, now.toISOString());
        }
        await escalate(after, policy, payload);
        return done ? 'repeated' : 'fired';
      },
      { attempts, retryOn: retriable },
    );
  }

  const runStep = async (state: SlaState, tenantId: string, step: EscalationStep, key: string) => {
    const actor = systemActor('sla', state.policyId);
    const { action } = step;
    if (action.type === 'reassign') {
      await ports.tickets.assign({ tenantId, ticketId: state.ticketId, teamId: action.teamId, assigneeId: action.assigneeId, actor });
    } else if (action.type === 'raise_priority') {
      if (priorityRank[action.to] > priorityRank[state.ticket.priority])
        await ports.tickets.update({ tenantId, ticketId: state.ticketId, patch: { priority: action.to }, actor });
    } else {
      const r = state.targets[step.target]!;
      const what = step.on === 'warning' ? 'is close to its due time' : 'is past its due time';
      for (const email of action.emails)
        await ports.notify({
          tenantId,
          email,
          subject: `[${state.ticket.reference}] SLA ${step.on === 'warning' ? 'warning' : 'breach'}: ${targetLabel[step.target]}`,
          text: [
            `The ${targetLabel[step.target]} of ticket ${state.ticket.reference} (${state.ticket.subject}) ${what}.`,
            `Due: ${r.dueAt}${r.overdueMinutes ? `, ${r.overdueMinutes} minutes overdue` : ''}.`,
            `Priority: ${state.ticket.priority}${state.ticket.assigneeId ? `, assignee: ${state.ticket.assigneeId}` : ', unassigned'}.`,
          ].join('\n'),
          dedupeKey: `sla-${state.ticketId}-${key}-${email}`,
        });
    }
  };

  /** Each step of the policy for this target and kind, once per cycle: a claimed guard, given back when its action fails. */
  const escalate = async (state: SlaState, policy: Policy, payload: TimerPayload) => {
    const steps = policy.escalation.flatMap((step, i) => (step.on === payload.kind && step.target === payload.target ? [{ step, i }] : []));
    for (const { step, i } of steps) {
      const key = `${payload.target}.${payload.cycle}.${payload.kind}.${policy.id}.${i}`;
      if (!(await repo.claimStep(payload.tenantId, state.ticketId, key))) continue;
      try {
        await runStep(state, payload.tenantId, step, key);
      } catch (error) {
        await repo.releaseStep(payload.tenantId, state.ticketId, key);
        throw error;
      }
    }
  };

  return { handleEvent, fire };
};
export type TicketSlaEngine = ReturnType<typeof ticketSla>;
