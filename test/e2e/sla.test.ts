import { describe, expect, it } from 'vitest';
import { ticketsApi } from '../../functions/tickets/api.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { userActor } from '../../shared/domain/actor.ts';
import type { Role } from '../../shared/http/route.ts';
import { eventually } from '../support/eventually.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

// Tuesday 2026-03-10, 09:00 in Berlin.
const clock = new ManualClock(new Date('2026-03-10T08:00:00Z'));
const rt = useTestRuntime({ clock });
const as =
  (tenant: string, role: Role, user = `${role}-user`) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], user))(...args);

const hours = [{ start: '09:00', end: '18:00' }];
const berlinOffice = {
  name: 'Berlin office',
  timeZone: 'Europe/Berlin',
  weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours },
  holidays: [
    { date: '2026-12-25', name: 'Christmas' },
    { date: '2026-12-24', hours: [{ start: '09:00', end: '13:00' }] },
  ],
};

const errorFields = (body: any) => Object.keys(body.errors ?? {});

describe('business-hours calendars', () => {
  it('admins create, replace and delete calendars; support reads them; versions guard every change', async () => {
    const tenant = uniqueTenant('sla-cal');
    const admin = as(tenant, 'admin');
    const made = await admin('POST', '/calendars', { ...berlinOffice, isDefault: true });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.headers.get('location')).toBe(`/calendars/${made.body.id}`);
    expect(made.headers.get('etag')).toBe('"1"');
    expect(made.body).toMatchObject({ timeZone: 'Europe/Berlin', isDefault: true, version: 1 });
    // Stored sorted, as given otherwise.
    expect(made.body.holidays.map((h: any) => h.date)).toEqual(['2026-12-25', '2026-12-24']);

    const support = as(tenant, 'support');
    expect((await support('GET', `/calendars/${made.body.id}`)).body).toEqual(made.body);
    expect((await support('POST', '/calendars', berlinOffice)).status).toBe(403);
    expect((await as(tenant, 'sales')('GET', '/calendars')).status).toBe(403);

    const second = await admin('POST', '/calendars', { ...berlinOffice, name: 'New York', timeZone: 'America/New_York', isDefault: true });
    expect(second.status).toBe(201);
    const listed = await support('GET', '/calendars?limit=1');
    expect(listed.body.items).toHaveLength(1);
    const rest = await support('GET', `/calendars?limit=1&cursor=${encodeURIComponent(listed.body.nextCursor)}`);
    // One default at a time: the newer one took it.
    expect([...listed.body.items, ...rest.body.items].map((c: any) => [c.name, c.isDefault])).toEqual([
      ['Berlin office', false],
      ['New York', true],
    ]);

    const split = {
      ...berlinOffice,
      weekly: {
        ...berlinOffice.weekly,
        sat: [
          { start: '14:00', end: '18:00' },
          { start: '09:00', end: '12:00' },
        ],
      },
    };
    const stale = await admin('PUT', `/calendars/${made.body.id}`, split, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    const replaced = await admin('PUT', `/calendars/${made.body.id}`, split, { 'if-match': '"1"' });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.headers.get('etag')).toBe('"2"');
    expect(replaced.body.weekly.sat).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '14:00', end: '18:00' },
    ]);
    expect((await admin('PUT', `/calendars/${made.body.id}`, split, { 'if-match': '"1"' })).status).toBe(412);

    expect((await admin('DELETE', `/calendars/${made.body.id}`, undefined, { 'if-match': '"1"' })).status).toBe(412);
    expect((await admin('DELETE', `/calendars/${made.body.id}`, undefined, { 'if-match': '"2"' })).status).toBe(204);
    expect((await support('GET', `/calendars/${made.body.id}`)).status).toBe(404);
  });

  it('refuses overlapping intervals, unknown zones, bad times and an empty week with 400, writing nothing', async () => {
    const tenant = uniqueTenant('sla-cal-bad');
    const admin = as(tenant, 'admin');
    const refused = async (body: unknown) => {
      const res = await admin('POST', '/calendars', body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      return errorFields(res.body);
    };
    expect(
      await refused({
        ...berlinOffice,
        weekly: {
          mon: [
            { start: '09:00', end: '13:00' },
            { start: '12:00', end: '18:00' },
          ],
        },
      }),
    ).toEqual(['body.weekly.mon']);
    expect(await refused({ ...berlinOffice, timeZone: 'Mars/Olympus_Mons' })).toEqual(['body.timeZone']);
    expect(await refused({ ...berlinOffice, timeZone: '+01:00' })).toEqual(['body.timeZone']);
    expect(await refused({ ...berlinOffice, weekly: { mon: [{ start: '18:00', end: '09:00' }] } })).toEqual(['body.weekly.mon.0.end']);
    expect(await refused({ ...berlinOffice, weekly: { mon: [{ start: '9:00', end: '25:00' }] } })).toEqual(
      expect.arrayContaining(['body.weekly.mon.0.start', 'body.weekly.mon.0.end']),
    );
    expect(await refused({ ...berlinOffice, weekly: { mon: [] } })).toEqual(['body.weekly']);
    expect(await refused({ ...berlinOffice, holidays: [{ date: '2026-12-25' }, { date: '2026-12-25' }] })).toEqual(['body.holidays']);
    expect(
      await refused({
        ...berlinOffice,
        holidays: [
          {
            date: '2026-12-24',
            hours: [
              { start: '09:00', end: '12:00' },
              { start: '11:00', end: '13:00' },
            ],
          },
        ],
      }),
    ).toEqual(['body.holidays.0.hours']);
    expect((await admin('GET', '/calendars')).body.items).toEqual([]);
  });
});

describe('SLA policies', () => {
  it('a tenant starts with the default policy: first response within 24 hours', async () => {
    const tenant = uniqueTenant('sla-default');
    const listed = await as(tenant, 'support')('GET', '/sla-policies');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ isDefault: true, targets: { firstResponse: { minutes: 1440, businessTime: true } }, warnAtPercent: 80 }),
    ]);
    const id = listed.body.items[0].id;
    expect((await as(tenant, 'support')('GET', `/sla-policies/${id}`)).body).toEqual(listed.body.items[0]);
    expect((await as(tenant, 'admin')('DELETE', `/sla-policies/${id}`)).status).toBe(409);
    const conditioned = await as(tenant, 'admin')('PUT', `/sla-policies/${id}`, {
      name: 'Default',
      conditions: { priority: ['low'] },
      targets: { firstResponse: { minutes: 480 } },
    });
    expect(conditioned.status).toBe(422);
    const edited = await as(tenant, 'admin')(
      'PUT',
      `/sla-policies/${id}`,
      { name: 'Default', targets: { firstResponse: { minutes: 480 } } },
      { 'if-match': '"1"' },
    );
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, isDefault: true, targets: { firstResponse: { minutes: 480, businessTime: true } } });
  });

  it('creates, orders, replaces and deletes policies, with validation, references and versions checked', async () => {
    const tenant = uniqueTenant('sla-policies');
    const admin = as(tenant, 'admin');
    const calendar = (await admin('POST', '/calendars', berlinOffice)).body;
    const urgent = {
      name: 'Urgent',
      conditions: { priority: ['urgent'] },
      targets: {
        firstResponse: { minutes: 30, calendarId: calendar.id },
        resolution: { minutes: 240, businessTime: false },
      },
      warnAtPercent: 75,
      escalation: [
        { on: 'warning', target: 'firstResponse', action: { type: 'notify', emails: ['Lead@Example.com'] } },
        { on: 'breach', target: 'firstResponse', action: { type: 'reassign', teamId: 'tier-2' } },
      ],
    };
    const first = await admin('POST', '/sla-policies', urgent);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.headers.get('location')).toBe(`/sla-policies/${first.body.id}`);
    expect(first.body).toMatchObject({ isDefault: false, version: 1, warnAtPercent: 75 });
    expect(first.body.escalation[0].action.emails).toEqual(['lead@example.com']);
    const gold = await admin('POST', '/sla-policies', {
      name: 'Gold customers',
      conditions: { $or: [{ tier: ['gold'] }, { tags: [{ prefix: 'vip' }] }] },
      targets: { firstResponse: { minutes: 60 }, nextResponse: { minutes: 120 } },
    });
    expect(gold.status, JSON.stringify(gold.body)).toBe(201);
    expect(gold.body.warnAtPercent).toBe(80);

    const names = async () => (await as(tenant, 'support')('GET', '/sla-policies')).body.items.map((p: any) => p.name);
    expect(await names()).toEqual(['Urgent', 'Gold customers', 'Default']);
    const order = await admin('GET', '/sla-policies/order');
    expect(order.body).toEqual({ ids: [first.body.id, gold.body.id], version: 2 });
    expect((await admin('PUT', '/sla-policies/order', { ids: [gold.body.id] }, { 'if-match': '"2"' })).status).toBe(422);
    expect((await admin('PUT', '/sla-policies/order', { ids: [gold.body.id, first.body.id] }, { 'if-match': '"1"' })).status).toBe(412);
    const reordered = await admin('PUT', '/sla-policies/order', { ids: [gold.body.id, first.body.id] }, { 'if-match': '"2"' });
    expect(reordered.status, JSON.stringify(reordered.body)).toBe(200);
    expect(reordered.headers.get('etag')).toBe('"3"');
    expect(await names()).toEqual(['Gold customers', 'Urgent', 'Default']);

    // Bad input: 400 naming the field, nothing written.
    const refused = async (body: unknown, status = 400) => {
      const res = await admin('POST', '/sla-policies', body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      return errorFields(res.body);
    };
    expect(await refused({ ...urgent, conditions: { subject: ['x'] } })).toEqual(['body.conditions']);
    expect(await refused({ ...urgent, conditions: { priority: 'urgent' } })).toEqual(['body.conditions']);
    expect(await refused({ ...urgent, targets: {}, escalation: [] })).toEqual(['body.targets']);
    expect(await refused({ ...urgent, targets: { firstResponse: { minutes: 0 } } })).toEqual(['body.targets.firstResponse.minutes']);
    expect(await refused({ ...urgent, warnAtPercent: 100 })).toEqual(['body.warnAtPercent']);
    expect(
      await refused({
        ...urgent,
        escalation: [{ on: 'breach', target: 'nextResponse', action: { type: 'raise_priority', to: 'urgent' } }],
      }),
    ).toEqual(['body.escalation.0.target']);
    expect(
      await refused({ ...urgent, escalation: [{ on: 'breach', target: 'firstResponse', action: { type: 'page', to: 'x' } }] }),
    ).toEqual(['body.escalation.0.action.type']);
    expect(
      await refused({ ...urgent, targets: { firstResponse: { minutes: 30, calendarId: '01JZZZZZZZZZZZZZZZZZZZZZZZ' } } }, 422),
    ).toEqual(['body.targets.firstResponse.calendarId']);
    expect(await names()).toEqual(['Gold customers', 'Urgent', 'Default']);
    expect((await as(tenant, 'support')('POST', '/sla-policies', urgent)).status).toBe(403);

    // A calendar a policy names cannot go.
    const inUse = await admin('DELETE', `/calendars/${calendar.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.policies).toEqual([first.body.id]);

    const dangling = {
      ...urgent,
      targets: { firstResponse: { minutes: 20, businessTime: false } },
      escalation: [{ on: 'breach', target: 'resolution', action: { type: 'raise_priority', to: 'urgent' } }],
    };
    const replaced = await admin('PUT', `/sla-policies/${first.body.id}`, dangling, { 'if-match': '"1"' });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(400);
    expect(errorFields(replaced.body)).toEqual(['body.escalation.0.target']);
    const fixed = { ...urgent, name: 'Urgent (24/7)', targets: { firstResponse: { minutes: 20, businessTime: false } }, escalation: [] };
    expect((await admin('PUT', `/sla-policies/${first.body.id}`, fixed, { 'if-match': '"2"' })).status).toBe(412);
    const ok = await admin('PUT', `/sla-policies/${first.body.id}`, fixed, { 'if-match': '"1"' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ version: 2, name: 'Urgent (24/7)', escalation: [] });
    expect((await admin('DELETE', `/calendars/${calendar.id}`)).status).toBe(204);

    expect((await admin('DELETE', `/sla-policies/${gold.body.id}`, undefined, { 'if-match': '"5"' })).status).toBe(412);
    expect((await admin('DELETE', `/sla-policies/${gold.body.id}`, undefined, { 'if-match': '"1"' })).status).toBe(204);
    expect(await names()).toEqual(['Urgent (24/7)', 'Default']);
    expect((await admin('GET', '/sla-policies/order')).body).toEqual({ ids: [first.body.id], version: 4 });
    expect((await admin('GET', `/sla-policies/${gold.body.id}`)).status).toBe(404);
  });
});

describe('a ticket through its SLA (business hours, warning, breach, escalation)', () => {
  const advance = async (ms: number) => {
    await rt.settle();
    await clock.advance(ms);
    await rt.settle();
  };

  it('due times on the ticket, a warning and a breach from the scheduler, the lead notified once, the breach kept after the reply', async () => {
    const tenant = uniqueTenant('sla-ticket');
    const admin = as(tenant, 'admin');
    await admin('POST', '/calendars', { ...berlinOffice, isDefault: true });
    const lead = 'lead@example.com';
    const policy = await admin('POST', '/sla-policies', {
      name: 'Standard',
      targets: { firstResponse: { minutes: 60 }, resolution: { minutes: 480 } },
      escalation: [
        { on: 'warning', target: 'firstResponse', action: { type: 'notify', emails: [lead] } },
        { on: 'breach', target: 'firstResponse', action: { type: 'raise_priority', to: 'high' } },
      ],
    });
    expect(policy.status).toBe(201);
    const contact = (await admin('POST', '/contacts', { firstName: 'Ada', email: 'ada@example.com' })).body;
    const events: any[] = [];
    const stop = rt.bus.onEvent((e: any) => {
      if (e.detail.tenantId === tenant && String(e['detail-type']).startsWith('ticket.sla_')) events.push(e.detail);
    });

    const opened = await ticketsApi.open({
      tenantId: tenant,
      input: { contactId: contact.id, subject: 'Printer on fire', body: 'Help', channel: 'api' },
      actor: userActor('support-user'),
    });
    const ticketId = opened.ticket.id;
    const sla = async () => (await as(tenant, 'support')('GET', `/tickets/${ticketId}`)).body.sla;
    await rt.settle();
    const snapshot = await eventually(async () => {
      const s = await sla();
      expect(s?.targets?.firstResponse).toBeDefined();
      return s;
    });
    expect(snapshot).toMatchObject({ policyId: policy.body.id, businessTime: true, pausedMinutes: 0 });
    expect(snapshot.targets.firstResponse).toMatchObject({
      dueAt: '2026-03-10T09:00:00.000Z',
      warnAt: '2026-03-10T08:48:00.000Z',
      breached: false,
    });

    await advance(48 * 60_000);
    await eventually(() => expect(events.map((e) => e.type)).toEqual(['ticket.sla_warning']));
    await eventually(() => expect(rt.outbox.messages().filter((m) => m.channel === 'email' && m.email.to === lead)).toHaveLength(1));
    await advance(12 * 60_000);
    await eventually(() => expect(events.map((e) => e.type)).toEqual(['ticket.sla_warning', 'ticket.sla_breached']));
    expect(events[1].data).toMatchObject({ ticketId, target: 'firstResponse', overdueMinutes: 0 });
    await eventually(async () => expect((await ticketsApi.get({ tenantId: tenant, ticketId }))?.priority).toBe('high'));

    await advance(15 * 60_000);
    await ticketsApi.reply({
      tenantId: tenant,
      ticketId,
      message: { author: 'agent', authorId: 'support-user', body: 'On it', public: true, channel: 'api' },
      actor: userActor('support-user'),
    });
    await rt.settle();
    await eventually(async () =>
      expect((await sla()).targets.firstResponse).toMatchObject({ breached: true, overdueMinutes: 15, metAt: '2026-03-10T09:15:00.000Z' }),
    );
    // Nothing repeats: one warning, one breach, one email, whatever the redeliveries.
    await advance(24 * 3_600_000);
    expect(events.filter((e) => e.data.target === 'firstResponse').map((e) => e.type)).toEqual([
      'ticket.sla_warning',
      'ticket.sla_breached',
    ]);
    expect(rt.outbox.messages().filter((m) => m.channel === 'email' && m.email.to === lead)).toHaveLength(1);
    stop();
  });
});
