import { describe, expect, it } from 'vitest';
import { bucketOf, bucketValue, lastBucket, lowerEdge, percentile, relativePrecision } from '../../functions/service-reports/histogram.ts';
import type { TicketEvent, TicketFacts } from '../../functions/service-reports/rules.ts';
import { serviceReportQuery } from '../../functions/service-reports/schemas.ts';
import { applySurveyResponse, applyTicketEvent, serviceReportsService } from '../../functions/service-reports/service.ts';
import type { Ticket, TicketPriority, TicketStatus } from '../../functions/tickets/api.ts';
import type { ConsumedEvent } from '../../shared/events/catalog.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { memoryServiceReports } from '../support/fakes/service-reports.ts';

const T = 'tenant-1';
const ctx = { tenantId: T, userId: 'ana', roles: ['analyst'] } as unknown as RequestContext;

/** A seeded generator, so a failure can be replayed. */
const random = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('duration histogram', () => {
  it('puts every value between its bucket’s edges', () => {
    const next = random(7);
    for (let i = 0; i < 5_000; i++) {
      const v = 10 ** (next() * 6 - 1);
      const b = bucketOf(v);
      expect(v).toBeGreaterThanOrEqual(lowerEdge(b));
      if (b < lastBucket) expect(v).toBeLessThan(lowerEdge(b + 1));
    }
    for (const edge of [1, 2, 4, 2 ** 0.25, 2 ** 10.75]) expect(lowerEdge(bucketOf(edge))).toBeCloseTo(edge, 9);
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.999)).toBe(0);
    expect(bucketOf(10 ** 9)).toBe(lastBucket);
  });

  it('gives median and p90 within the stated precision of a direct computation on random data', () => {
    const next = random(42);
    for (let run = 0; run < 200; run++) {
      const size = 1 + Math.floor(next() * 400);
      // Log-normal-ish durations from seconds to weeks, as response times are.
      const values = Array.from({ length: size }, () => Math.exp(next() * 12 - 2));
      const h = new Map<number, number>();
      for (const v of values) h.set(bucketOf(v), (h.get(bucketOf(v)) ?? 0) + 1);
      const sorted = [...values].sort((a, b) => a - b);
      for (const p of [0.5, 0.9]) {
        const exact = sorted[Math.max(1, Math.ceil(p * size)) - 1]!;
        const estimate = percentile(h, p)!;
        const allowed = exact >= 1 ? exact * relativePrecision + 0.005 : 0.5;
        expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(allowed);
      }
    }
    expect(relativePrecision).toBeCloseTo(0.0905, 4);
    expect(bucketValue(1)).toBeCloseTo(2 ** 0.125, 9);
    expect(percentile(new Map(), 0.5)).toBeNull();
  });
});

let seq = 0;
const ticketEvent = (
  type: TicketEvent['type'],
  at: string,
  ticket: { id: string; status?: TicketStatus; priority?: TicketPriority; teamId?: string },
  extra: Record<string, unknown> = {},
): TicketEvent => {
  seq++;
  const base = {
    ticketId: ticket.id,
    contactId: 'C1',
    reference: `T-${ticket.id}`,
    channel: 'email',
    status: ticket.status ?? 'new',
    priority: ticket.priority ?? 'normal',
    tags: [],
    subject: 'Printer on fire',
    ...(ticket.teamId && { teamId: ticket.teamId }),
  };
  const data =
    type === 'ticket.resolved'
      ? { ticketId: ticket.id, contactId: 'C1', priority: base.priority, ...(ticket.teamId && { teamId: ticket.teamId }) }
      : { ...base, ...extra };
  return { id: `E${String(seq).padStart(6, '0')}`, type, version: 1, tenantId: T, occurredAt: at, data } as unknown as TicketEvent;
};

/** The tickets context as the counters read it: creation time and SLA snapshot per ticket. */
const ticketsFake = () => {
  const tickets = new Map<string, TicketFacts>();
  const reads: string[] = [];
  return {
    tickets,
    reads,
    port: {
      get: async ({ ticketId }: { tenantId: string; ticketId: string }) => {
        reads.push(ticketId);
        return structuredClone(tickets.get(ticketId)) as Ticket | undefined;
      },
    },
  };
};

const setup = (business?: (from: string, to: string) => number) => {
  const mem = memoryServiceReports();
  const fake = ticketsFake();
  const ports = { tickets: fake.port, businessMinutes: async (_t: string, from: string, to: string) => business?.(from, to) };
  const apply = (e: TicketEvent) => applyTicketEvent(mem.repo, ports, e);
  const report = async (query: Record<string, unknown>) =>
    (await serviceReportsService(mem.repo).serviceReport({ query: serviceReportQuery.parse(query) } as never, ctx)) as any;
  return { ...mem, ...fake, apply, report };
};

describe('backlog gauges', () => {
  it('follow a ticket through its statuses, priority and team, as of each day’s end', async () => {
    const s = setup();
    const t = { id: 'K1' };
    await s.apply(ticketEvent('ticket.created', '2026-03-01T09:00:00Z', t));
    await s.apply(ticketEvent('ticket.status_changed', '2026-03-01T10:00:00Z', { ...t, status: 'open' }, { from: 'new' }));
    await s.apply(
      ticketEvent('ticket.updated', '2026-03-02T08:00:00Z', { ...t, status: 'open', priority: 'high' }, { changed: ['priority'] }),
    );
    await s.apply(ticketEvent('ticket.assigned', '2026-03-02T09:00:00Z', { ...t, status: 'open', priority: 'high', teamId: 'billing' }));
    await s.apply(
      ticketEvent(
        'ticket.status_changed',
        '2026-03-03T09:00:00Z',
        { ...t, status: 'pending_customer', priority: 'high', teamId: 'billing' },
        { from: 'open' },
      ),
    );
    await s.apply(
      ticketEvent(
        'ticket.status_changed',
        '2026-03-04T09:00:00Z',
        { ...t, status: 'resolved', priority: 'high', teamId: 'billing' },
        { from: 'pending_customer' },
      ),
    );
    await s.apply(ticketEvent('ticket.resolved', '2026-03-04T09:00:00Z', { ...t, priority: 'high', teamId: 'billing' }));
    await s.apply(ticketEvent('ticket.reopened', '2026-03-05T09:00:00Z', { ...t, status: 'open', priority: 'high', teamId: 'billing' }));
    await s.apply(
      ticketEvent(
        'ticket.status_changed',
        '2026-03-06T09:00:00Z',
        { ...t, status: 'closed', priority: 'high', teamId: 'billing' },
        { from: 'open' },
      ),
    );

    const all = await s.report({ from: '2026-02-28', to: '2026-03-07' });
    expect(all.rows.map((r: any) => r.backlog.total)).toEqual([0, 1, 1, 1, 0, 1, 0, 0]);
    expect(all.rows.map((r: any) => [r.created, r.resolved, r.reopened])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(all.rows[1].backlog.byStatus).toEqual({ new: 0, open: 1, pending_customer: 0, on_hold: 0 });
    expect(all.rows[2].backlog.byPriority).toEqual({ low: 0, normal: 0, high: 1, urgent: 0 });
    expect(all.rows[3].backlog.byStatus.pending_customer).toBe(1);

    // The team's backlog starts when the ticket moved to it; the no-team partition holds it before.
    const billing = await s.report({ from: '2026-03-01', to: '2026-03-06', teamId: 'billing' });
    expect(billing.rows.map((r: any) => r.backlog.total)).toEqual([0, 1, 1, 0, 1, 0]);
    const byTeam = await s.report({ from: '2026-03-01', to: '2026-03-02', groupBy: 'team' });
    expect(byTeam.rows.map((r: any) => [r.day, r.teamId, r.backlog.total, r.created])).toEqual([
      ['2026-03-01', '-', 1, 1],
      ['2026-03-01', 'billing', 0, 0],
      ['2026-03-02', '-', 0, 0],
      ['2026-03-02', 'billing', 1, 0],
    ]);
  });

  it('carry the backlog of earlier years, months and days into a range', async () => {
    const s = setup();
    await s.apply(ticketEvent('ticket.created', '2025-11-20T09:00:00Z', { id: 'A' }));
    await s.apply(ticketEvent('ticket.created', '2026-01-10T09:00:00Z', { id: 'B', priority: 'urgent' }));
    await s.apply(ticketEvent('ticket.created', '2026-03-02T09:00:00Z', { id: 'C' }));
    await s.apply(ticketEvent('ticket.status_changed', '2026-03-03T09:00:00Z', { id: 'A', status: 'on_hold' }, { from: 'new' }));
    await s.apply(
      ticketEvent('ticket.status_changed', '2026-03-05T09:00:00Z', { id: 'B', status: 'closed', priority: 'urgent' }, { from: 'new' }),
    );
    const r = await s.report({ from: '2026-03-04', to: '2026-03-05' });
    expect(r.rows[0].backlog).toMatchObject({ total: 3, byStatus: { new: 2, on_hold: 1 }, byPriority: { normal: 2, urgent: 1 } });
    expect(r.rows[1].backlog).toMatchObject({ total: 2, byStatus: { new: 1, on_hold: 1 }, byPriority: { normal: 2, urgent: 0 } });
    expect((await s.report({ from: '2025-12-31', to: '2025-12-31' })).rows[0].backlog.total).toBe(1);
  });

  it('move no gauge for an event older than one already applied', async () => {
    const s = setup();
    const closed = ticketEvent('ticket.status_changed', '2026-03-02T09:00:00Z', { id: 'K', status: 'closed' }, { from: 'open' });
    const opened = ticketEvent('ticket.status_changed', '2026-03-01T09:00:00Z', { id: 'K', status: 'open' }, { from: 'new' });
    await s.apply(ticketEvent('ticket.created', '2026-03-01T08:00:00Z', { id: 'K' }));
    await s.apply(closed);
    await s.apply(opened);
    const r = await s.report({ from: '2026-03-01', to: '2026-03-02' });
    expect(r.rows.map((x: any) => x.backlog.total)).toEqual([1, 0]);
    expect(r.rows[0].backlog.byStatus).toMatchObject({ new: 1, open: 0 });
  });
});

describe('redelivery', () => {
  const lifecycle = () => {
    const t = { id: 'R1', teamId: 'desk' };
    return [
      ticketEvent('ticket.created', '2026-04-01T09:00:00Z', t),
      ticketEvent('ticket.replied', '2026-04-01T10:00:00Z', { ...t, status: 'open' }, { messageId: 'm1', author: 'agent', public: true }),
      ticketEvent(
        'ticket.replied',
        '2026-04-01T11:00:00Z',
        { ...t, status: 'open' },
        { messageId: 'm2', author: 'customer', public: true },
      ),
      ticketEvent('ticket.replied', '2026-04-01T12:00:00Z', { ...t, status: 'open' }, { messageId: 'm3', author: 'agent', public: true }),
      ticketEvent('ticket.status_changed', '2026-04-02T09:00:00Z', { ...t, status: 'resolved' }, { from: 'open' }),
      ticketEvent('ticket.resolved', '2026-04-02T09:00:00Z', t),
    ];
  };
  const withTicket = (s: ReturnType<typeof setup>) =>
    s.tickets.set('R1', {
      createdAt: '2026-04-01T09:00:00Z',
      firstResponseAt: '2026-04-01T10:00:00Z',
      sla: {
        policyId: 'P',
        businessTime: true,
        pausedMinutes: 0,
        revision: 1,
        targets: {
          firstResponse: { dueAt: '2026-04-02T09:00:00Z', breached: false },
          nextResponse: { dueAt: '2026-04-01T15:00:00Z', breached: false },
          resolution: { dueAt: '2026-04-05T09:00:00Z', breached: false },
        },
      },
    });

  it('changes nothing when every event comes again, in any order, or at once', async () => {
    const once = setup();
    withTicket(once);
    for (const e of lifecycle()) await once.apply(e);
    const expected = await once.report({ from: '2026-04-01', to: '2026-04-02' });

    const twice = setup();
    withTicket(twice);
    const events = lifecycle();
    for (const e of events) await twice.apply(e);
    const next = random(3);
    const again = [...events, ...events].sort(() => next() - 0.5);
    await Promise.all(again.map((e) => twice.apply(e)));
    expect(await twice.report({ from: '2026-04-01', to: '2026-04-02' })).toEqual(expected);
    expect(twice.transactions()).toBe(events.length);

    expect(expected.rows[0]).toMatchObject({
      created: 1,
      // 60 min lies in [2^5.75, 2^6): its figure is 2^5.875 ≈ 58.69.
      firstResponse: { calendar: { count: 1, medianMinutes: 58.69 } },
      sla: { firstResponse: { met: 1, breached: 0, attainment: 1 }, nextResponse: { met: 1, breached: 0 } },
    });
    expect(expected.rows[1]).toMatchObject({
      resolved: 1,
      backlog: { total: 0 },
      // 24 h = 1440 min lies in [2^10.25, 2^10.5): its figure is 2^10.375 ≈ 1327.96 (within 9.05 %).
      resolution: { calendar: { count: 1, medianMinutes: 1327.96, p90Minutes: 1327.96 }, business: { count: 0, medianMinutes: null } },
      sla: { resolution: { met: 1, breached: 0 } },
    });
  });

  it('applies concurrent events of one ticket once each', async () => {
    const s = setup();
    withTicket(s);
    await Promise.all(lifecycle().map((e) => s.apply(e)));
    const r = await s.report({ from: '2026-04-01', to: '2026-04-02' });
    expect(r.rows.map((x: any) => [x.created, x.resolved, x.backlog.total])).toEqual([
      [1, 0, 1],
      [0, 1, 0],
    ]);
    expect(r.rows[0].firstResponse.calendar.count).toBe(1);
  });
});

describe('durations, SLA and CSAT', () => {
  it('records business minutes from the port and moves a met target to breached when its breach arrives late', async () => {
    const s = setup(() => 30);
    s.tickets.set('S1', {
      createdAt: '2026-05-01T09:00:00Z',
      firstResponseAt: '2026-05-02T10:00:00Z',
      sla: {
        policyId: 'P',
        businessTime: true,
        pausedMinutes: 0,
        revision: 1,
        targets: { firstResponse: { dueAt: '2026-05-02T09:00:00Z', breached: false } },
      },
    });
    const t = { id: 'S1', status: 'open' as const };
    await s.apply(ticketEvent('ticket.created', '2026-05-01T09:00:00Z', t));
    await s.apply(ticketEvent('ticket.replied', '2026-05-02T10:00:00Z', t, { messageId: 'm1', author: 'agent', public: true }));
    let r = await s.report({ from: '2026-05-02', to: '2026-05-02' });
    expect(r.rows[0].sla.firstResponse).toEqual({ met: 1, breached: 0, attainment: 1 });
    expect(r.rows[0].firstResponse.business).toEqual({ count: 1, medianMinutes: 29.34, p90Minutes: 29.34 });

    const breach = ticketEvent('ticket.sla_breached', '2026-05-02T09:00:00Z', t, {
      target: 'firstResponse',
      policyId: 'P',
      dueAt: '2026-05-02T09:00:00Z',
      overdueMinutes: 0,
    });
    await s.apply(breach);
    await s.apply(breach);
    r = await s.report({ from: '2026-05-02', to: '2026-05-02' });
    expect(r.rows[0].sla.firstResponse).toEqual({ met: 0, breached: 1, attainment: 0 });
    // 30 business minutes lie in [2^4.75, 2^5): the figure is 2^4.875 ≈ 29.34.
    // A resolution target the policy does not set counts neither way.
    await s.apply(ticketEvent('ticket.resolved', '2026-05-03T09:00:00Z', t));
    r = await s.report({ from: '2026-05-03', to: '2026-05-03' });
    expect(r.rows[0].sla.resolution).toEqual({ met: 0, breached: 0, attainment: null });
    // Only the first response and the resolution read the ticket.
    expect(s.reads).toEqual(['S1', 'S1']);
  });

  it('counts CSAT answers per day, and for the team of the ticket they name', async () => {
    const s = setup();
    await s.apply(ticketEvent('ticket.created', '2026-06-01T09:00:00Z', { id: 'Q1', teamId: 'desk' }));
    const answer = (id: string, score: number, ticketId?: string, kind: 'csat' | 'nps' = 'csat') =>
      ({
        id,
        type: 'survey.responded',
        version: 1,
        tenantId: T,
        occurredAt: '2026-06-02T12:00:00Z',
        data: { surveyId: id, sendId: id, contactId: 'C1', kind, score, ...(ticketId && { ticketId }) },
      }) as ConsumedEvent<'survey.responded'>;
    await applySurveyResponse(s.repo, answer('V1', 5, 'Q1'));
    await applySurveyResponse(s.repo, answer('V1', 5, 'Q1'));
    await applySurveyResponse(s.repo, answer('V2', 2));
    await applySurveyResponse(s.repo, answer('V3', 9, undefined, 'nps'));
    const all = await s.report({ from: '2026-06-02', to: '2026-06-02' });
    expect(all.rows[0].csat).toEqual({ responses: 2, averageScore: 3.5, satisfiedRate: 0.5 });
    const desk = await s.report({ from: '2026-06-02', to: '2026-06-02', teamId: 'desk' });
    expect(desk.rows[0].csat).toEqual({ responses: 1, averageScore: 5, satisfiedRate: 1 });
  });
});

describe('the report range', () => {
  it('refuses more than 366 days, a reversed range and groupBy=team with a team', () => {
    expect(serviceReportQuery.safeParse({ from: '2026-01-01', to: '2027-01-01' }).success).toBe(true);
    expect(serviceReportQuery.safeParse({ from: '2026-01-01', to: '2027-01-02' }).success).toBe(false);
    expect(serviceReportQuery.safeParse({ from: '2026-02-01', to: '2026-01-31' }).success).toBe(false);
    expect(serviceReportQuery.safeParse({ from: '2026-02-30', to: '2026-03-01' }).success).toBe(false);
    expect(serviceReportQuery.safeParse({ from: '2026-01-01', to: '2026-01-02', teamId: 'x', groupBy: 'team' }).success).toBe(false);
  });

  it('pages 31 days at a time, the backlog carried from page to page', async () => {
    const s = setup();
    await s.apply(ticketEvent('ticket.created', '2026-01-15T09:00:00Z', { id: 'P1' }));
    await s.apply(ticketEvent('ticket.created', '2026-02-20T09:00:00Z', { id: 'P2' }));
    const first = await s.report({ from: '2026-01-01', to: '2026-03-10' });
    expect(first.rows).toHaveLength(31);
    expect(first.rows.at(-1).day).toBe('2026-01-31');
    const second = await s.report({ from: '2026-01-01', to: '2026-03-10', cursor: first.nextCursor });
    expect(second.rows[0]).toMatchObject({ day: '2026-02-01', backlog: { total: 1 } });
    expect(second.rows.find((r: any) => r.day === '2026-02-20')).toMatchObject({ created: 1, backlog: { total: 2 } });
    const third = await s.report({ from: '2026-01-01', to: '2026-03-10', cursor: second.nextCursor });
    expect(second.rows.at(-1).day).toBe('2026-03-03');
    expect(third.rows.map((r: any) => r.day)).toEqual(Array.from({ length: 7 }, (_, i) => `2026-03-${String(i + 4).padStart(2, '0')}`));
    expect(third.rows[0].backlog.total).toBe(2);
    expect(third.nextCursor).toBeUndefined();
    await expect(s.report({ from: '2026-01-01', to: '2026-03-11', cursor: first.nextCursor })).rejects.toMatchObject({
      kind: 'validation',
    });
  });
});
