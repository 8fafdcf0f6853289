import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { uniqueTenant } from './api-client.ts';
import { useRuntime } from './harness.ts';

const rt = useRuntime();

describe('GET /reports/service', () => {
  it('reports the day’s tickets from real ticket traffic: created, resolved, backlog, first response, per team', async () => {
    const tenant = uniqueTenant('service-reports');
    const support = rt.api(tenant, 'support');
    const analyst = rt.api(tenant, 'analyst');

    const first = await support('POST', '/tickets', {
      email: 'ada@example.com',
      subject: 'Invoice is wrong',
      body: 'The total is off by one cent.',
      priority: 'high',
      teamId: 'billing',
    });
    expect(first.status).toBe(201);
    const second = await support('POST', '/tickets', { email: 'bob@example.com', subject: 'Cannot sign in', body: 'It says no.' });
    expect(second.status).toBe(201);
    const day = String(first.body.createdAt).slice(0, 10);

    expect((await support('POST', `/tickets/${first.body.id}/replies`, { body: 'We are on it.' })).status).toBe(201);
    const current = await support('GET', `/tickets/${first.body.id}`);
    const resolved = await support(
      'PATCH',
      `/tickets/${first.body.id}`,
      { status: 'resolved' },
      { 'if-match': current.headers.get('etag')! },
    );
    expect(resolved.status).toBe(200);

    const report = await eventually(async () => {
      const res = await analyst('GET', `/reports/service?from=${day}&to=${day}`);
      expect(res.status).toBe(200);
      expect(res.body.rows[0]).toMatchObject({ created: 2, resolved: 1, backlog: { total: 1 } });
      expect(res.body.rows[0].firstResponse.calendar.count).toBe(1);
      expect(res.body.rows[0].resolution.calendar.count).toBe(1);
      return res.body;
    });
    expect(report.rows).toHaveLength(1);
    expect(report.rows[0].backlog.byPriority.high).toBe(0);
    expect(report.rows[0].firstResponse.calendar.medianMinutes).toBeLessThan(1);

    const billing = await analyst('GET', `/reports/service?from=${day}&to=${day}&teamId=billing`);
    expect(billing.body.rows[0]).toMatchObject({ teamId: 'billing', created: 1, resolved: 1, backlog: { total: 0 } });
    const byTeam = await rt.api(tenant, 'admin')('GET', `/reports/service?from=${day}&to=${day}&groupBy=team`);
    expect(byTeam.body.rows.map((r: any) => [r.teamId, r.created])).toContainEqual(['billing', 1]);
    expect(byTeam.body.rows.reduce((n: number, r: any) => n + r.created, 0)).toBe(2);
  });

  it('is read by analysts, admins and support only, and refuses a range it cannot serve', async () => {
    const tenant = uniqueTenant('service-reports-access');
    const query = '/reports/service?from=2026-01-01&to=2026-01-31';
    expect((await rt.api(tenant, 'sales')('GET', query)).status).toBe(403);
    expect((await rt.api(tenant, 'marketing')('GET', query)).status).toBe(403);
    expect((await rt.anonymous()('GET', query)).status).toBe(401);
    const empty = await rt.api(tenant, 'support')('GET', query);
    expect(empty.status).toBe(200);
    expect(empty.body.rows).toHaveLength(31);
    expect(empty.body.rows[0]).toMatchObject({
      day: '2026-01-01',
      created: 0,
      backlog: { total: 0 },
      sla: { firstResponse: { attainment: null } },
    });
    expect(empty.body.nextCursor).toBeUndefined();

    const analyst = rt.api(tenant, 'analyst');
    const tooLong = await analyst('GET', '/reports/service?from=2025-01-01&to=2026-01-02');
    expect(tooLong.status).toBe(400);
    expect(tooLong.headers.get('content-type')).toContain('application/problem+json');
    expect((await analyst('GET', '/reports/service?from=2026-02-01&to=2026-01-01')).status).toBe(400);
    expect((await analyst('GET', '/reports/service?from=2026-01-01')).status).toBe(400);
    expect((await analyst('GET', '/reports/service?from=2026-01-01&to=2026-01-02&cursor=forged')).status).toBe(400);

    const paged = await analyst('GET', '/reports/service?from=2026-01-01&to=2026-02-15');
    expect(paged.body.rows).toHaveLength(31);
    const rest = await analyst('GET', `/reports/service?from=2026-01-01&to=2026-02-15&cursor=${encodeURIComponent(paged.body.nextCursor)}`);
    expect(rest.body.rows.map((r: any) => r.day)).toEqual(
      Array.from({ length: 15 }, (_, i) => `2026-02-${String(i + 1).padStart(2, '0')}`),
    );
  });
});
