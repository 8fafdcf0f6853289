import { describe, expect, it } from 'vitest';
import type { SentMessage } from '../../infra/local/outbox.ts';
import { uniqueTenant } from './api-client.ts';
import { day, hour, useJourneyRuntime } from './journeys-support.ts';

const { rt, clock, api, advance, contact, install, ingest, outboxTo, stats } = useJourneyRuntime();

/** 09:00 UTC on the weekday after `from` (the contacts have no time zone). */
const nextBusinessMorning = (from: Date) => {
  const at = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate() + 1, 9));
  while ([0, 6].includes(at.getUTCDay())) at.setUTCDate(at.getUTCDate() + 1);
  return at.toISOString();
};
const subjects = (messages: SentMessage[]) => messages.map((m) => (m.channel === 'email' ? m.email.subject : m.sms.body));
const emailConsent = { email: { marketing: true } };

describe('built-in journeys, played over simulated days', () => {
  it('welcome: a welcome email at once, a second one three days later unless the contact engaged', async () => {
    const tenant = uniqueTenant('j-welcome');
    const journey = await install(tenant, 'welcome');
    await contact(tenant, { firstName: 'Ada', email: 'ada@welcome.example', consent: emailConsent });
    const bob = await contact(tenant, { firstName: 'Bob', email: 'bob@welcome.example', consent: emailConsent });
    await contact(tenant, { firstName: 'Cy', email: 'cy@welcome.example' });
    await rt.settle();
    expect(subjects(outboxTo('ada@welcome.example'))).toEqual(['Welcome, Ada!']);
    expect(outboxTo('cy@welcome.example')).toEqual([]);

    await advance(day);
    const reply = await api(tenant, 'sales')('POST', `/contacts/${bob.id}/activities`, {
      type: 'email',
      direction: 'inbound',
      subject: 'Re: Welcome',
    });
    expect(reply.status).toBe(201);
    await advance(3 * day);

    expect(subjects(outboxTo('ada@welcome.example'))).toEqual(['Welcome, Ada!', 'A few tips to get started']);
    expect(subjects(outboxTo('bob@welcome.example'))).toEqual(['Welcome, Bob!']);
    const counts = await stats(tenant, journey.id);
    expect(counts.totals).toMatchObject({ entered: 2, inProgress: 0, completed: 2, exitedByGoal: 0, sent: 3, failed: 0 });
    expect(counts.steps).toEqual([
      expect.objectContaining({ stepId: 'welcome', entered: 2, completed: 2, sent: 2 }),
      expect.objectContaining({ stepId: 'engaged', entered: 2, inProgress: 0, completed: 2 }),
      expect.objectContaining({ stepId: 'done', completed: 1 }),
      expect.objectContaining({ stepId: 'second', completed: 1, sent: 1 }),
    ]);
  });

  it('follow-up: a task for the owner due the next business day, then an email two days later unless the deal moved on', async () => {
    const tenant = uniqueTenant('j-follow');
    const { body: own } = await api(tenant)('POST', '/templates', {
      name: 'Our follow-up',
      channel: 'email',
      subject: 'Next steps, {{ contact.firstName }}',
      text: 'Shall we talk again?',
    });
    const journey = await install(tenant, 'follow-up', { templates: { 'follow-up': own.id } });
    expect(journey.steps.find((s) => s.id === 'email')?.templateId).toBe(own.id);
    const dee = await contact(tenant, { firstName: 'Dee', email: 'dee@follow.example', ownerId: 'owner-1', consent: emailConsent });
    const eve = await contact(tenant, { firstName: 'Eve', email: 'eve@follow.example', ownerId: 'owner-1', consent: emailConsent });
    const fin = await contact(tenant, { firstName: 'Fin', email: 'fin@follow.example', ownerId: 'owner-1', consent: emailConsent });
    const buyer = await contact(tenant, { firstName: 'Gil', email: 'gil@follow.example' });
    // A real deal Fin takes part in, not as its primary contact: its stage_changed names Gil, so no goal hears it.
    const { body: deal } = await api(tenant, 'sales')('POST', '/deals', {
      name: 'Fleet',
      contactIds: [buyer.id, fin.id],
      amount: { amount: 100_000, currency: 'EUR' },
    });
    await api(tenant, 'sales')('POST', `/contacts/${dee.id}/activities`, { type: 'note', body: 'not a conversation' });
    await api(tenant, 'sales')('POST', `/contacts/${dee.id}/activities`, { type: 'meeting', subject: 'Demo' });
    await api(tenant, 'sales')('POST', `/contacts/${eve.id}/activities`, { type: 'call', direction: 'outbound' });
    await api(tenant, 'sales')('POST', `/contacts/${fin.id}/activities`, { type: 'meeting', subject: 'Fleet demo' });
    await rt.settle();

    const tasks = await api(tenant, 'sales')('GET', '/tasks?ownerId=owner-1');
    expect(
      tasks.body.items.map((t: { contactId: string; dueAt: string; title: string }) => [t.contactId, t.dueAt, t.title]).sort(),
    ).toEqual([dee.id, eve.id, fin.id].sort().map((id) => [id, nextBusinessMorning(clock.now()), 'Follow up after the conversation']));

    await advance(day);
    await ingest(tenant, 'deal.stage_changed', { dealId: 'deal-9', contactId: eve.id, toStage: 'won' });
    expect((await api(tenant, 'sales')('PATCH', `/deals/${deal.id}`, { stageId: 'proposal' })).status).toBe(200);
    await advance(day + hour);
    expect(subjects(outboxTo('dee@follow.example'))).toEqual(['Next steps, Dee']);
    expect(outboxTo('eve@follow.example')).toEqual([]);
    // The branch read Fin's open deals when the email was due: the deal had moved on.
    expect(outboxTo('fin@follow.example')).toEqual([]);
    expect((await stats(tenant, journey.id)).totals).toMatchObject({ entered: 3, inProgress: 0, completed: 2, exitedByGoal: 1, sent: 1 });
  });

  it('win-back: 90 days without an order or activity → at-risk and an offer, SMS a week later if consented, churned after 30 days; an order wins the contact back', async () => {
    const tenant = uniqueTenant('j-winback');
    const journey = await install(tenant, 'win-back');
    const fay = await contact(tenant, {
      firstName: 'Fay',
      email: 'fay@wb.example',
      phone: '+14155550101',
      lifecycleStage: 'customer',
      consent: { email: { marketing: true }, sms: { marketing: true } },
    });
    const gus = await contact(tenant, {
      firstName: 'Gus',
      email: 'gus@wb.example',
      phone: '+14155550102',
      lifecycleStage: 'loyal',
      consent: emailConsent,
    });
    const hal = await contact(tenant, { firstName: 'Hal', email: 'hal@wb.example', lifecycleStage: 'lead', consent: emailConsent });
    const ivy = await contact(tenant, { firstName: 'Ivy', email: 'ivy@wb.example', lifecycleStage: 'customer', consent: emailConsent });
    const stage = async (id: string) => (await api(tenant, 'sales')('GET', `/contacts/${id}`)).body;

    await advance(50 * day, day);
    await api(tenant, 'sales')('POST', `/contacts/${ivy.id}/activities`, { type: 'call' });
    await advance(39 * day, day);
    expect(rt.outbox.messages().filter((m) => m.channel === 'email' && m.email.to.endsWith('@wb.example'))).toEqual([]);

    // Day 90: the 06:00 sweep enrols Fay and Gus; quiet hours hold the offers until 08:00.
    await advance(day, hour);
    expect(subjects(outboxTo('fay@wb.example'))).toEqual(['We miss you, Fay']);
    expect(subjects(outboxTo('gus@wb.example'))).toEqual(['We miss you, Gus']);
    expect(outboxTo('hal@wb.example')).toEqual([]);
    expect(outboxTo('ivy@wb.example')).toEqual([]);
    expect((await stage(fay.id)).lifecycleStage).toBe('at-risk');

    await advance(3 * day);
    await ingest(tenant, 'order.placed', { orderId: 'o-1', contactId: gus.id, total: { amount: 5000, currency: 'EUR' } });
    expect(await stage(gus.id)).toMatchObject({ lifecycleStage: 'customer', tags: ['won-back'] });

    await advance(4 * day);
    expect(subjects(outboxTo('+14155550101'))).toEqual(['Fay, we miss you! 15% off your next order this week. Reply STOP to opt out.']);
    expect(outboxTo('+14155550102')).toEqual([]);

    await advance(23 * day, day);
    expect((await stage(fay.id)).lifecycleStage).toBe('churned');
    expect((await stage(hal.id)).lifecycleStage).toBe('lead');
    // The 06:00 sends fell in quiet hours: messaging deferred them and sent them at 08:00.
    expect((await stats(tenant, journey.id)).totals).toMatchObject({
      entered: 2,
      inProgress: 1,
      exitedByGoal: 1,
      deferred: 3,
      sent: 0,
      failed: 0,
    });
  });

  it('survey: a CSAT survey after a resolved ticket, an NPS survey after an order, at most once per 30 days', async () => {
    const tenant = uniqueTenant('j-survey');
    const journey = await install(tenant, 'survey');
    const jo = await contact(tenant, { firstName: 'Jo', email: 'jo@survey.example', consent: { email: { surveys: true } } });
    const texts = () => outboxTo('jo@survey.example').map((m) => (m.channel === 'email' ? m.email.text : ''));

    await ingest(tenant, 'ticket.resolved', { ticketId: 't-1', contactId: jo.id });
    await advance(hour, hour);
    expect(texts()).toEqual([]);
    await advance(hour, hour);
    expect(texts()).toEqual([expect.stringContaining('How satisfied are you with how we handled your request?')]);

    await ingest(tenant, 'order.placed', { orderId: 'o-1', contactId: jo.id, total: { amount: 1200, currency: 'EUR' } });
    await advance(30 * day, day);
    expect(texts()).toHaveLength(1);

    await ingest(tenant, 'order.placed', { orderId: 'o-2', contactId: jo.id, total: { amount: 1500, currency: 'EUR' } });
    await advance(3 * day);
    expect(texts()).toEqual([
      expect.stringContaining('How satisfied'),
      expect.stringContaining('How likely are you to recommend us to a friend or colleague?'),
    ]);
    expect((await stats(tenant, journey.id)).totals).toMatchObject({ entered: 2, completed: 2, sent: 2 });
  });

  it("dry run of the installed welcome journey: the given contact enrols, under the tenant's quiet hours and suppression list", async () => {
    const tenant = uniqueTenant('j-welcome-sim');
    const journey = await install(tenant, 'welcome');
    const simulate = (email: string, start: string) =>
      api(tenant)('POST', `/journeys/${journey.id}/simulate`, { contact: { email, consent: emailConsent }, start });

    const res = await simulate('new@welcome-sim.example', '2026-03-02T10:00:00Z');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enrolled: true, result: 'completed' });
    expect(res.body.messages).toEqual([
      expect.objectContaining({ stepId: 'welcome', at: '2026-03-02T10:00:00.000Z', status: 'sent' }),
      expect.objectContaining({ stepId: 'second', at: '2026-03-05T10:00:00.000Z', status: 'sent' }),
    ]);

    expect((await api(tenant)('PUT', '/messaging/settings', { quietHours: { start: '09:00', end: '12:00' } })).status).toBe(200);
    expect((await simulate('new@welcome-sim.example', '2026-03-02T10:00:00Z')).body.messages[0]).toMatchObject({
      status: 'deferred',
      until: '2026-03-02T12:00:00.000Z',
    });

    expect((await api(tenant)('POST', '/suppressions', { channel: 'email', address: 'gone@welcome-sim.example' })).status).toBe(201);
    const suppressed = await simulate('gone@welcome-sim.example', '2026-03-02T13:00:00Z');
    expect(suppressed.body.messages[0]).toMatchObject({
      stepId: 'welcome',
      status: 'skipped',
      reason: "the contact's email address is on the suppression list",
    });
    expect(outboxTo('new@welcome-sim.example')).toEqual([]);
    expect((await api(tenant)('GET', '/suppressions')).body.items).toHaveLength(1);
    expect((await stats(tenant, journey.id)).totals).toMatchObject({ entered: 0 });
  });
});
