import type { EventBridgeEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { Ticket } from '../../functions/tickets/api.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import type { RequestContext } from '../../shared/http/handler.ts';

/** The tickets the subscriber reads (the tickets context's get), by id. */
const tickets = vi.hoisted(() => new Map<string, Partial<Ticket>>());
vi.mock('../../functions/tickets/api.ts', () => ({
  ticketsApi: { get: async ({ ticketId }: { ticketId: string }) => structuredClone(tickets.get(ticketId)) },
}));

const { handler } = await import('../../functions/service-reports/subscriber.ts');
const { serviceReportRepository } = await import('../../functions/service-reports/repository.ts');
const { serviceReportsService } = await import('../../functions/service-reports/service.ts');
const { serviceReportQuery } = await import('../../functions/service-reports/schemas.ts');
const { serviceReportKeys } = await import('../../functions/service-reports/items.ts');
const { getItem } = await import('../../shared/db/query.ts');

const tenantId = `sr-${Date.now().toString(36)}`;
let seq = 0;
const envelope = (type: string, occurredAt: string, data: Record<string, unknown>): DomainEvent => ({
  id: `01SR${String(++seq).padStart(22, '0')}`,
  type,
  version: 1,
  tenantId,
  occurredAt,
  data,
});
const deliver = (e: DomainEvent) =>
  handler({ source: 'rapport', 'detail-type': e.type, detail: e } as unknown as EventBridgeEvent<string, unknown>);
const ticketData = (id: string, status: string, more: Record<string, unknown> = {}) => ({
  ticketId: id,
  contactId: 'C1',
  reference: `T-${id}`,
  channel: 'api',
  status,
  priority: 'normal',
  tags: [],
  subject: 'Cannot sign in',
  ...more,
});
const report = async (query: Record<string, unknown>) =>
  (await serviceReportsService(serviceReportRepository).serviceReport(
    { query: serviceReportQuery.parse(query) } as never,
    {
      tenantId,
      userId: 'ana',
      roles: ['analyst'],
    } as unknown as RequestContext,
  )) as any;

describe('service report counters on DynamoDB Local', () => {
  it('keeps counts, gauges, durations and CSAT from events fed to the subscriber, once per event', async () => {
    tickets.set('K1', {
      createdAt: '2026-07-01T08:00:00.000Z',
      firstResponseAt: '2026-07-01T08:30:00.000Z',
      sla: {
        policyId: 'P',
        businessTime: true,
        pausedMinutes: 0,
        revision: 1,
        targets: {
          firstResponse: { dueAt: '2026-07-02T08:00:00.000Z', breached: false },
          resolution: { dueAt: '2026-07-09T08:00:00.000Z', breached: false },
        },
      },
    });
    const events = [
      envelope('ticket.created', '2026-07-01T08:00:00.000Z', ticketData('K1', 'new', { teamId: 'desk', priority: 'high' })),
      envelope('ticket.created', '2026-07-01T09:00:00.000Z', ticketData('K2', 'new')),
      envelope('ticket.replied', '2026-07-01T08:30:00.000Z', {
        ...ticketData('K1', 'open', { teamId: 'desk', priority: 'high' }),
        messageId: 'M1',
        author: 'agent',
        public: true,
      }),
      envelope('ticket.status_changed', '2026-07-02T10:00:00.000Z', {
        ...ticketData('K1', 'resolved', { teamId: 'desk', priority: 'high' }),
        from: 'open',
      }),
      envelope('ticket.resolved', '2026-07-02T10:00:00.000Z', { ticketId: 'K1', contactId: 'C1', teamId: 'desk', priority: 'high' }),
      envelope('survey.responded', '2026-07-02T13:00:00.000Z', {
        surveyId: 'S1',
        sendId: 'S1',
        contactId: 'C1',
        kind: 'csat',
        score: 4,
        ticketId: 'K1',
      }),
    ];
    for (const e of events) await deliver(e);
    // At-least-once delivery: the whole batch again, concurrently.
    await Promise.all(events.map(deliver));

    const all = await report({ from: '2026-06-30', to: '2026-07-02' });
    expect(all.rows.map((r: any) => [r.day, r.created, r.resolved, r.backlog.total])).toEqual([
      ['2026-06-30', 0, 0, 0],
      ['2026-07-01', 2, 0, 2],
      ['2026-07-02', 0, 1, 1],
    ]);
    expect(all.rows[1].backlog.byStatus).toMatchObject({ new: 1, open: 1 });
    expect(all.rows[1].backlog.byPriority).toMatchObject({ normal: 1, high: 1 });
    // 30 min lies in [2^4.75, 2^5): 2^4.875 ≈ 29.34; 26 h = 1560 min in [2^10.5, 2^10.75): 2^10.625 ≈ 1579.22.
    expect(all.rows[1].firstResponse.calendar).toEqual({ count: 1, medianMinutes: 29.34, p90Minutes: 29.34 });
    expect(all.rows[2].resolution.calendar).toEqual({ count: 1, medianMinutes: 1579.22, p90Minutes: 1579.22 });
    // The tenant has no business-hours calendar, so business minutes are calendar minutes.
    expect(all.rows[2].resolution.business).toEqual(all.rows[2].resolution.calendar);
    expect(all.rows[1].sla.firstResponse).toEqual({ met: 1, breached: 0, attainment: 1 });
    expect(all.rows[2].sla.resolution).toEqual({ met: 1, breached: 0, attainment: 1 });
    expect(all.rows[2].csat).toEqual({ responses: 1, averageScore: 4, satisfiedRate: 1 });

    const byTeam = await report({ from: '2026-07-01', to: '2026-07-02', groupBy: 'team' });
    expect(byTeam.rows.map((r: any) => [r.day, r.teamId, r.created, r.backlog.total, r.csat.responses])).toEqual([
      ['2026-07-01', '-', 1, 1, 0],
      ['2026-07-01', 'desk', 1, 1, 0],
      ['2026-07-02', '-', 0, 1, 0],
      ['2026-07-02', 'desk', 0, 0, 1],
    ]);

    const marker = await getItem(serviceReportKeys.applied(tenantId, events[0]!.id), true);
    expect(marker).toMatchObject({ entity: 'SERVICE_REPORT_APPLIED_EVENT' });
    expect(Number(marker!.expiresAt)).toBeGreaterThan(Date.now() / 1000);
    const state = await getItem(serviceReportKeys.ticketState(tenantId, 'K1'), true);
    expect(state).toMatchObject({ status: 'resolved', teamId: 'desk', firstResponded: true, rev: 4 });
  });

  it('carries the backlog across a year, a month and a page boundary', async () => {
    await deliver(envelope('ticket.created', '2025-12-31T23:59:00.000Z', ticketData('Y1', 'new')));
    await deliver(envelope('ticket.created', '2026-02-10T12:00:00.000Z', ticketData('Y2', 'on_hold')));
    await deliver(envelope('ticket.status_changed', '2026-03-20T12:00:00.000Z', { ...ticketData('Y1', 'closed'), from: 'new' }));
    const first = await report({ from: '2026-03-01', to: '2026-04-10' });
    expect(first.rows[0].backlog).toMatchObject({ total: 2, byStatus: { new: 1, on_hold: 1 } });
    expect(first.rows.find((r: any) => r.day === '2026-03-20').backlog.total).toBe(1);
    const second = await report({ from: '2026-03-01', to: '2026-04-10', cursor: first.nextCursor });
    expect(second.rows[0]).toMatchObject({ day: '2026-04-01', backlog: { total: 1, byStatus: { on_hold: 1 } } });
    expect(second.nextCursor).toBeUndefined();
  });

  it('counts every ticket of a burst of concurrent intakes on the same day', async () => {
    const burst = Array.from({ length: 40 }, (_, i) =>
      envelope(
        'ticket.created',
        `2026-08-01T10:00:${String(i).padStart(2, '0')}.000Z`,
        ticketData(`B${i}`, 'new', { teamId: i % 2 ? 'a' : 'b' }),
      ),
    );
    await Promise.all([...burst, ...burst.slice(0, 10)].map(deliver));
    // The tickets of the tests before are still in the tenant's backlog.
    const r = await report({ from: '2026-07-31', to: '2026-08-01' });
    const before = r.rows[0].backlog;
    expect(r.rows[1]).toMatchObject({ created: 40, backlog: { total: before.total + 40, byStatus: { new: before.byStatus.new + 40 } } });
    const a = await report({ from: '2026-08-01', to: '2026-08-01', teamId: 'a' });
    expect(a.rows[0]).toMatchObject({ teamId: 'a', created: 20, backlog: { total: 20 } });
  });
});
