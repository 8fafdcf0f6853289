import { afterEach, describe, expect, it } from 'vitest';
import { defaultPolicyId, type TicketEvent, type TicketFacts, type TimerPayload } from '../../functions/sla/lifecycle.ts';
import { memorySlaRepository } from '../../functions/sla/memory-repository.ts';
import type { Calendar, Policy } from '../../functions/sla/schemas.ts';
import { type NotifyRequest, ticketSla } from '../../functions/sla/ticket-sla.ts';
import type { TicketSla } from '../../functions/tickets/api.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { createLocalScheduler, type LocalScheduler } from '../../infra/local/scheduler.ts';
import { instantAt } from '../../shared/domain/zoned-time.ts';
import { useClock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import type { Scheduler } from '../../shared/ports/scheduler.ts';

const zone = 'Europe/Berlin';
const tenant = 'sla-unit';
const minute = 60_000;

/** The instant of "YYYY-MM-DD HH:MM" on Berlin's clocks. */
const berlin = (wall: string) => {
  const [date, time] = wall.split(' ');
  const [year, month, day] = date!.split('-').map(Number);
  const [hour, m] = time!.split(':').map(Number);
  return instantAt({ year: year!, month: month!, day: day!, hour: hour!, minute: m! }, zone);
};

const hours = [{ start: '09:00', end: '18:00' }];
const calendar = (holidays: Calendar['holidays'] = []): Calendar => ({
  id: newId(),
  version: 1,
  name: 'Berlin office',
  timeZone: zone,
  weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours },
  holidays,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const policy = (over: Partial<Policy> = {}): Policy => ({
  id: newId(),
  version: 1,
  name: 'Standard',
  isDefault: false,
  targets: {
    firstResponse: { minutes: 60, businessTime: true },
    nextResponse: { minutes: 120, businessTime: true },
    resolution: { minutes: 8 * 60, businessTime: true },
  },
  warnAtPercent: 80,
  escalation: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

/** Counts what reaches the scheduler, passing it on. */
const counting = (inner: Scheduler) => {
  const ops = { schedule: 0, cancel: 0 };
  const scheduler: Scheduler = {
    schedule: async (job) => {
      ops.schedule++;
      await inner.schedule(job);
    },
    cancel: async (name) => {
      ops.cancel++;
      await inner.cancel(name);
    },
  };
  return { scheduler, ops, reset: () => Object.assign(ops, { schedule: 0, cancel: 0 }) };
};

let world: Awaited<ReturnType<typeof setup>>;

const setup = async (start: Date, opts: { calendar?: Calendar | null; policies?: Policy[] } = {}) => {
  const clock = new ManualClock(start);
  useClock(clock);
  const { repo, events, steps } = memorySlaRepository();
  const snapshots = new Map<string, TicketSla>();
  const calls: { assign: unknown[]; update: unknown[]; notify: NotifyRequest[] } = { assign: [], update: [], notify: [] };
  const tiers = new Map<string, string>();
  const cal = opts.calendar === null ? undefined : (opts.calendar ?? calendar());
  if (cal) await repo.saveCalendar(tenant, undefined, cal, { set: cal.id }, []);
  for (const p of opts.policies ?? [policy()]) await repo.savePolicy(tenant, undefined, p, undefined, []);
  let engine: ReturnType<typeof ticketSla>;
  const fired: string[] = [];
  const local: LocalScheduler = createLocalScheduler({
    clock,
    invoke: async (_target, _kind, payload) => {
      fired.push(await engine.fire(payload as TimerPayload));
    },
    onError: (error) => {
      throw error;
    },
  });
  const count = counting(local);
  engine = ticketSla({
    repo,
    scheduler: count.scheduler,
    clock,
    tickets: {
      get: async () => undefined,
      assign: async (a) => {
        calls.assign.push(a);
        return undefined;
      },
      update: async (u) => {
        calls.update.push(u);
        return undefined as never;
      },
      recordSla: async ({ ticketId, sla }) => {
        const held = snapshots.get(ticketId);
        if (!held || held.revision < sla.revision) snapshots.set(ticketId, sla);
      },
    },
    tierOf: async (_t, contactId) => tiers.get(contactId),
    notify: async (n) => {
      calls.notify.push(n);
    },
  });

  const facts = (over: Partial<TicketFacts> = {}): TicketFacts => ({
    ticketId: 'T1',
    contactId: 'C1',
    reference: 'T-1',
    channel: 'email',
    status: 'new',
    priority: 'normal',
    tags: [],
    subject: 'Printer on fire',
    ...over,
  });
  let ticket = facts();
  const deliver = async (type: TicketEvent['type'], data: Record<string, unknown> = {}, id = newId()) => {
    ticket = { ...ticket, ...(data as Partial<TicketFacts>) };
    const event = {
      id,
      type,
      version: 1,
      tenantId: tenant,
      occurredAt: clock.now().toISOString(),
      data: { ...ticket, ...data },
    } as TicketEvent;
    await engine.handleEvent(event);
    return event;
  };
  const sla = () => snapshots.get('T1')!;
  const slaEvents = (type: string) => events.filter((e) => e.type === type);
  const at = (ms: number) => clock.advance(ms);
  const until = (instant: Date) => clock.advance(instant.getTime() - clock.now().getTime());
  return { clock, repo, engine, local, count, calls, tiers, steps, deliver, sla, slaEvents, at, until, fired, calendar: cal, events };
};

afterEach(() => world?.local.stop());

describe('SLA lifecycle on a simulated clock (Berlin, Mon–Fri 09:00–18:00)', () => {
  it('a ticket created Friday 17:55 is due Monday 09:55; the warning and breach fire there, each escalation step once', async () => {
    const lead = 'lead@example.com';
    const p = policy({
      escalation: [
        { on: 'warning', target: 'firstResponse', action: { type: 'notify', emails: [lead] } },
        { on: 'breach', target: 'firstResponse', action: { type: 'raise_priority', to: 'high' } },
        { on: 'breach', target: 'firstResponse', action: { type: 'reassign', teamId: 'escalations' } },
      ],
    });
    world = await setup(berlin('2026-03-06 17:55'), { policies: [p] });
    await world.deliver('ticket.created');
    const due = world.sla().targets.firstResponse!;
    expect(due.dueAt).toBe(berlin('2026-03-09 09:55').toISOString());
    // 80 % of 60 minutes: 5 on Friday, 43 on Monday.
    expect(due.warnAt).toBe(berlin('2026-03-09 09:43').toISOString());
    expect(world.sla()).toMatchObject({ policyId: p.id, businessTime: true, calendarId: world.calendar!.id, pausedMinutes: 0 });
    expect(world.sla().targets.resolution!.dueAt).toBe(berlin('2026-03-09 16:55').toISOString());

    await world.until(berlin('2026-03-09 09:42'));
    expect(world.slaEvents('ticket.sla_warning')).toHaveLength(0);
    await world.until(berlin('2026-03-09 09:43'));
    expect(world.slaEvents('ticket.sla_warning')).toHaveLength(1);
    expect(world.calls.notify).toHaveLength(1);
    expect(world.calls.notify[0]).toMatchObject({ email: lead, tenantId: tenant });
    expect(world.calls.notify[0]!.subject).toContain('T-1');
    expect(world.sla().targets.firstResponse!.warnedAt).toBe(berlin('2026-03-09 09:43').toISOString());

    await world.until(berlin('2026-03-09 09:55'));
    const [breach] = world.slaEvents('ticket.sla_breached');
    expect(breach).toMatchObject({ occurredAt: berlin('2026-03-09 09:55').toISOString() });
    expect(breach!.data).toMatchObject({ ticketId: 'T1', target: 'firstResponse', policyId: p.id, overdueMinutes: 0, reference: 'T-1' });
    expect(world.sla().targets.firstResponse).toMatchObject({ breached: true, overdueMinutes: 0 });
    expect(world.calls.update).toEqual([expect.objectContaining({ patch: { priority: 'high' } })]);
    expect(world.calls.assign).toEqual([expect.objectContaining({ teamId: 'escalations', ticketId: 'T1' })]);

    // The same timers delivered again (at-least-once): nothing new is written, sent or escalated.
    const payload = (kind: 'warning' | 'breach'): TimerPayload => ({
      kind,
      tenantId: tenant,
      ticketId: 'T1',
      target: 'firstResponse',
      cycle: 1,
      rev: 1,
    });
    expect(await world.engine.fire(payload('breach'))).toBe('repeated');
    expect(await world.engine.fire(payload('warning'))).toBe('repeated');
    expect(world.slaEvents('ticket.sla_breached')).toHaveLength(1);
    expect(world.slaEvents('ticket.sla_warning')).toHaveLength(1);
    expect([world.calls.notify.length, world.calls.update.length, world.calls.assign.length]).toEqual([1, 1, 1]);

    // The agent answers at 10:10: met, and the breach stays, 15 business minutes late.
    await world.until(berlin('2026-03-09 10:10'));
    await world.deliver('ticket.replied', { messageId: 'M1', author: 'agent', public: true, status: 'open' });
    expect(world.sla().targets.firstResponse).toMatchObject({
      breached: true,
      overdueMinutes: 15,
      metAt: berlin('2026-03-09 10:10').toISOString(),
    });
  });

  it('a holiday on the next working day moves the due time to the day after', async () => {
    world = await setup(berlin('2026-03-06 17:55'), { calendar: calendar([{ date: '2026-03-09', name: 'Closed' }]) });
    await world.deliver('ticket.created');
    expect(world.sla().targets.firstResponse!.dueAt).toBe(berlin('2026-03-10 09:55').toISOString());
    await world.until(berlin('2026-03-09 12:00'));
    expect(world.slaEvents('ticket.sla_breached')).toHaveLength(0);
  });

  it('a pause across a night keeps its business minutes and pushes the due times; resolving cancels the rest', async () => {
    world = await setup(berlin('2026-03-10 10:00'));
    await world.deliver('ticket.created');
    await world.at(5 * minute);
    await world.deliver('ticket.replied', { messageId: 'M1', author: 'agent', public: true, status: 'open' });
    expect(world.sla().targets.resolution!.dueAt).toBe(berlin('2026-03-10 18:00').toISOString());

    // 80 % of 480 business minutes: the warning fires at 16:24, before the pause.
    await world.until(berlin('2026-03-10 17:00'));
    expect(world.slaEvents('ticket.sla_warning').map((e) => e.occurredAt)).toEqual([berlin('2026-03-10 16:24').toISOString()]);
    await world.deliver('ticket.status_changed', { status: 'pending_customer', from: 'open' });
    expect(world.sla().pausedSince).toBe(berlin('2026-03-10 17:00').toISOString());
    // Nothing fires while paused, not the 18:00 breach nor anything the night holds.
    await world.until(berlin('2026-03-11 10:00'));
    expect(world.slaEvents('ticket.sla_breached')).toHaveLength(0);
    expect(world.slaEvents('ticket.sla_warning')).toHaveLength(1);

    await world.deliver('ticket.status_changed', { status: 'open', from: 'pending_customer' });
    // Paused 17:00–18:00 and 09:00–10:00: two business hours, the night not counted.
    expect(world.sla()).toMatchObject({ pausedMinutes: 120 });
    expect(world.sla().pausedSince).toBeUndefined();
    expect(world.sla().targets.resolution!.dueAt).toBe(berlin('2026-03-11 11:00').toISOString());
    // The warning point was reached before the pause: it stays there, and does not fire again.
    expect(world.sla().targets.resolution).toMatchObject({
      warnAt: berlin('2026-03-10 16:24').toISOString(),
      warnedAt: berlin('2026-03-10 16:24').toISOString(),
    });

    await world.until(berlin('2026-03-11 10:30'));
    expect(world.slaEvents('ticket.sla_warning')).toHaveLength(1);
    await world.deliver('ticket.resolved', {});
    expect(world.sla().targets.resolution).toMatchObject({ breached: false, metAt: berlin('2026-03-11 10:30').toISOString() });
    await world.at(3 * 24 * 60 * minute);
    expect(world.slaEvents('ticket.sla_breached')).toHaveLength(0);
    expect(world.local.pending()).toEqual([]);
  });

  it('the DST change week in Berlin: created Friday 17:00 before it, 120 business minutes are due Monday 10:00 CEST', async () => {
    world = await setup(berlin('2026-03-27 17:00'), {
      policies: [policy({ targets: { firstResponse: { minutes: 120, businessTime: true } } })],
    });
    await world.deliver('ticket.created');
    expect(world.sla().targets.firstResponse!.dueAt).toBe('2026-03-30T08:00:00.000Z');
    await world.until(new Date('2026-03-30T07:59:00Z'));
    expect(world.slaEvents('ticket.sla_breached')).toHaveLength(0);
    await world.until(new Date('2026-03-30T08:00:00Z'));
    expect(world.slaEvents('ticket.sla_breached').map((e) => e.occurredAt)).toEqual(['2026-03-30T08:00:00.000Z']);
  });

  it('America/New_York: a calendar on the other side of the Atlantic counts in its own zone and its own DST date', async () => {
    const ny: Calendar = {
      ...calendar(),
      timeZone: 'America/New_York',
      weekly: { mon: [{ start: '09:00', end: '17:00' }], fri: [{ start: '09:00', end: '17:00' }] },
    };
    world = await setup(new Date('2026-03-06T21:00:00Z'), {
      calendar: ny,
      policies: [policy({ targets: { firstResponse: { minutes: 120, businessTime: true } } })],
    });
    await world.deliver('ticket.created');
    // Friday 16:00 EST: 60 minutes on Friday, 60 on Monday from 09:00 EDT — 14:00 UTC, where 16:00 UTC would be EST.
    expect(world.sla().targets.firstResponse!.dueAt).toBe('2026-03-09T14:00:00.000Z');
  });

  it('two intervals in a day: the lunch break does not count', async () => {
    const split = {
      ...calendar(),
      weekly: {
        wed: [
          { start: '09:00', end: '12:00' },
          { start: '13:00', end: '17:00' },
        ],
      },
    };
    world = await setup(berlin('2026-03-11 11:30'), { calendar: split });
    await world.deliver('ticket.created');
    expect(world.sla().targets.firstResponse!.dueAt).toBe(berlin('2026-03-11 13:30').toISOString());
  });

  it('a priority change matches another policy and moves the due times; the old timers become stale', async () => {
    const urgent = policy({
      name: 'Urgent',
      conditions: { priority: ['urgent'] },
      targets: { firstResponse: { minutes: 15, businessTime: true } },
    });
    world = await setup(berlin('2026-03-10 10:00'), { policies: [urgent, policy()] });
    // Order: the urgent policy first.
    await world.repo.saveOrder(tenant, { after: { ids: [urgent.id], version: 1 } }, []);
    await world.deliver('ticket.created');
    expect(world.sla().targets.firstResponse!.dueAt).toBe(berlin('2026-03-10 11:00').toISOString());
    const before = world.sla().policyId;
    expect(before).not.toBe(urgent.id);

    await world.at(5 * minute);
    await world.deliver('ticket.updated', { priority: 'urgent', changed: ['priority'] });
    expect(world.sla().policyId).toBe(urgent.id);
    expect(world.sla().targets.firstResponse!.dueAt).toBe(berlin('2026-03-10 10:15').toISOString());
    // The resolution target the urgent policy lacks goes with its timers.
    expect(world.sla().targets.resolution).toBeUndefined();
    expect(
      world.local
        .pending()
        .map((j) => j.name)
        .sort(),
    ).toEqual(['sla-T1-fr-b-1-2', 'sla-T1-fr-w-1-2']);
    const stale: TimerPayload = { kind: 'breach', tenantId: tenant, ticketId: 'T1', target: 'firstResponse', cycle: 1, rev: 1 };
    expect(await world.engine.fire(stale)).toBe('stale');
    await world.until(berlin('2026-03-10 10:15'));
    expect(world.slaEvents('ticket.sla_breached').map((e) => e.data.dueAt)).toEqual([berlin('2026-03-10 10:15').toISOString()]);
  });

  it('a re-match to a shorter target already past breaches at once, by the minutes it is late', async () => {
    const urgent = policy({
      name: 'Urgent',
      conditions: { priority: ['urgent'] },
      targets: { firstResponse: { minutes: 15, businessTime: true } },
    });
    world = await setup(berlin('2026-03-10 10:00'), { policies: [urgent, policy()] });
    await world.repo.saveOrder(tenant, { after: { ids: [urgent.id], version: 1 } }, []);
    await world.deliver('ticket.created');
    await world.at(40 * minute);
    await world.deliver('ticket.updated', { priority: 'urgent', changed: ['priority'] });
    // 80 % of 15 minutes was 10:12, the due time 10:15: both past at 10:40, so both fire now, in time order.
    expect(world.slaEvents('ticket.sla_warning').map((e) => e.data.target)).toEqual(['firstResponse']);
    expect(world.slaEvents('ticket.sla_breached').map((e) => [e.data.target, e.data.overdueMinutes])).toEqual([['firstResponse', 25]]);
    expect(world.sla().targets.firstResponse).toMatchObject({ breached: true, overdueMinutes: 25 });
    expect(world.local.pending()).toEqual([]);
  });

  it('each customer reply after the first response starts next response; the agent reply meets it', async () => {
    world = await setup(berlin('2026-03-10 10:00'));
    await world.deliver('ticket.created');
    await world.at(10 * minute);
    await world.deliver('ticket.replied', { messageId: 'M1', author: 'agent', public: true, status: 'open' });
    expect(world.sla().targets.nextResponse).toBeUndefined();
    // An internal note is no answer and starts nothing.
    await world.deliver('ticket.replied', { messageId: 'M2', author: 'agent', public: false });
    await world.at(60 * minute);
    await world.deliver('ticket.replied', { messageId: 'M3', author: 'customer', public: true });
    expect(world.sla().targets.nextResponse).toMatchObject({ dueAt: berlin('2026-03-10 13:10').toISOString(), breached: false });
    await world.until(berlin('2026-03-10 13:10'));
    expect(world.slaEvents('ticket.sla_breached').map((e) => e.data.target)).toEqual(['nextResponse']);
    await world.at(20 * minute);
    await world.deliver('ticket.replied', { messageId: 'M4', author: 'agent', public: true });
    expect(world.sla().targets.nextResponse).toMatchObject({
      breached: true,
      overdueMinutes: 20,
      metAt: berlin('2026-03-10 13:30').toISOString(),
    });
    // A second customer reply: a new cycle, the breach stays on the ticket.
    await world.at(10 * minute);
    await world.deliver('ticket.replied', { messageId: 'M5', author: 'customer', public: true });
    expect(world.sla().targets.nextResponse).toMatchObject({ breached: true, dueAt: berlin('2026-03-10 15:40').toISOString() });
    expect(world.sla().targets.nextResponse!.metAt).toBeUndefined();
    await world.deliver('ticket.replied', { messageId: 'M6', author: 'agent', public: true });
    // Until 17:40: the answered cycle never breaches (resolution would at 18:00).
    await world.at(4 * 60 * minute);
    expect(world.slaEvents('ticket.sla_breached').map((e) => e.data.target)).toEqual(['nextResponse']);
  });

  it('a redelivered event changes nothing; a reopened ticket resumes its resolution clock without the resolved time', async () => {
    world = await setup(berlin('2026-03-10 10:00'));
    const created = await world.deliver('ticket.created');
    const state = await world.repo.getState(tenant, 'T1');
    world.count.reset();
    await world.engine.handleEvent(created);
    expect((await world.repo.getState(tenant, 'T1'))!.version).toBe(state!.version);
    await world.at(60 * minute);
    await world.deliver('ticket.resolved', {});
    await world.until(berlin('2026-03-11 10:00'));
    await world.deliver('ticket.reopened', { status: 'open' });
    // 60 minutes counted before the resolution, 420 left from Wednesday 10:00: due 17:00.
    expect(world.sla().targets.resolution).toMatchObject({ dueAt: berlin('2026-03-11 17:00').toISOString() });
    expect(world.sla().targets.resolution!.metAt).toBeUndefined();
  });

  it('a late, older event adds its reply but does not undo a newer status', async () => {
    world = await setup(berlin('2026-03-10 10:00'));
    await world.deliver('ticket.created');
    await world.at(10 * minute);
    const replyAt = world.clock.now().toISOString();
    await world.at(10 * minute);
    await world.deliver('ticket.status_changed', { status: 'on_hold', from: 'open' });
    // The agent's reply of 10:10 arrives after the 10:20 hold, saying status open.
    const event = {
      id: newId(),
      type: 'ticket.replied',
      version: 1,
      tenantId: tenant,
      occurredAt: replyAt,
      data: {
        ticketId: 'T1',
        contactId: 'C1',
        reference: 'T-1',
        channel: 'email',
        status: 'open',
        priority: 'normal',
        tags: [],
        subject: 'Printer on fire',
        messageId: 'M1',
        author: 'agent',
        public: true,
      },
    } as TicketEvent;
    await world.engine.handleEvent(event);
    expect(world.sla().targets.firstResponse!.metAt).toBe(replyAt);
    expect(world.sla().pausedSince).toBe(berlin('2026-03-10 10:20').toISOString());
  });

  it('the default policy: first response within 24 hours, calendar time without a default calendar', async () => {
    world = await setup(berlin('2026-03-06 17:55'), { calendar: null, policies: [] });
    await world.deliver('ticket.created');
    expect(world.sla()).toMatchObject({ policyId: defaultPolicyId(tenant), businessTime: false });
    expect(world.sla().targets.firstResponse!.dueAt).toBe(new Date(berlin('2026-03-06 17:55').getTime() + 24 * 60 * minute).toISOString());
  });

  it('the default policy counts business time once the tenant has a default calendar', async () => {
    world = await setup(berlin('2026-03-06 17:55'), { policies: [] });
    await world.deliver('ticket.created');
    expect(world.sla()).toMatchObject({ policyId: defaultPolicyId(tenant), businessTime: true });
    // 24 business hours from Friday 17:55: 5 min Friday, 9 h Monday, 9 h Tuesday, 5 h 55 Wednesday.
    expect(world.sla().targets.firstResponse!.dueAt).toBe(berlin('2026-03-11 14:55').toISOString());
  });

  it('conditions match the customer tier from the contact', async () => {
    const gold = policy({ name: 'Gold', conditions: { tier: ['gold'] }, targets: { firstResponse: { minutes: 30, businessTime: false } } });
    world = await setup(berlin('2026-03-10 10:00'), { policies: [gold] });
    world.tiers.set('C1', 'gold');
    await world.deliver('ticket.created');
    expect(world.sla()).toMatchObject({ policyId: gold.id, businessTime: false });
  });

  it('counts the scheduler operations of one ticket lifecycle: create, reply, pause, resume, resolve', async () => {
    world = await setup(berlin('2026-03-10 10:00'));
    const ops: Record<string, { schedule: number; cancel: number }> = {};
    const step = async (name: string, work: () => Promise<unknown>) => {
      world.count.reset();
      await work();
      ops[name] = { ...world.count.ops };
    };
    await step('create', () => world.deliver('ticket.created'));
    await world.at(10 * minute);
    await step('reply', () => world.deliver('ticket.replied', { messageId: 'M1', author: 'agent', public: true, status: 'open' }));
    await world.at(10 * minute);
    await step('pause', () => world.deliver('ticket.status_changed', { status: 'on_hold', from: 'open' }));
    await world.at(60 * minute);
    await step('resume', () => world.deliver('ticket.status_changed', { status: 'open', from: 'on_hold' }));
    await step('resolve', () => world.deliver('ticket.resolved', {}));
    expect(ops).toEqual({
      create: { schedule: 4, cancel: 0 },
      reply: { schedule: 0, cancel: 2 },
      pause: { schedule: 0, cancel: 2 },
      resume: { schedule: 2, cancel: 0 },
      resolve: { schedule: 0, cancel: 2 },
    });
    expect(world.local.pending()).toEqual([]);
  });
});

describe('the figure the bench reports', () => {
  it('scheduler operations per ticket lifecycle: two per target started or moved, one per timer ended', async () => {
    const { scheduleOpsPerLifecycle } = await import('../../functions/sla/figures.ts');
    expect(await scheduleOpsPerLifecycle()).toEqual({
      create: { schedule: 4, cancel: 0 },
      agentReply: { schedule: 0, cancel: 2 },
      pause: { schedule: 0, cancel: 2 },
      resume: { schedule: 2, cancel: 0 },
      customerReply: { schedule: 2, cancel: 0 },
      resolve: { schedule: 0, cancel: 4 },
    });
  });
});
