import { describe, expect, it } from 'vitest';
import { handler as journeySubscriber } from '../../functions/journeys/subscriber.ts';
import { templateStore } from '../../functions/messaging/template-store.ts';
import type { BusEvent } from '../../infra/local/bus.ts';
import { clock } from '../../shared/ports/clock.ts';
import { uniqueTenant } from './api-client.ts';
import { day, useJourneyRuntime } from './journeys-support.ts';

const { rt, api, advance, contact, outboxTo, stats } = useJourneyRuntime();

const template = async (tenant: string, subject: string) => {
  const res = await api(tenant)('POST', '/templates', { name: subject, channel: 'email', subject, text: `About: ${subject}` });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

const onTag = (tag: string) => ({ type: 'event', eventType: 'contact.created', filter: { tags: [tag] } });
const subjectsTo = (address: string) => outboxTo(address).map((m) => (m.channel === 'email' ? m.email.subject : m.sms.body));

describe('journey definitions', () => {
  it('refuses an invalid journey with problem+json naming the step', async () => {
    const tenant = uniqueTenant('j-invalid');
    const res = await api(tenant)('POST', '/journeys', {
      name: 'Broken',
      trigger: onTag('x'),
      steps: [
        { id: 'first', type: 'wait', duration: 'P1D' },
        { id: 'mail', type: 'send_email', templateId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' },
        { id: 'pick', type: 'branch', conditions: [{ when: { contact: { tags: [{ prefix: 1 }] } }, goto: 'first' }], otherwise: 'ghost' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors).toEqual({
      'body.steps.1': ['step "mail": template 01ARZ3NDEKTSV4RRFFQ69G5FAV does not exist'],
      'body.steps.2': [
        'step "pick": goes to "ghost", which is not a step of this journey',
        'step "pick": condition 1: bad event pattern: $.contact.tags[0].prefix: prefix must be a string or {"equals-ignore-case": string}',
      ],
    });
    const unknownEvent = await api(tenant)('POST', '/journeys', {
      name: 'x',
      trigger: { type: 'event', eventType: 'order.shipped' },
      steps: [{ id: 'x', type: 'exit' }],
    });
    expect(unknownEvent.status).toBe(400);
    expect(Object.keys(unknownEvent.body.errors)).toEqual(['body.trigger.eventType']);
    expect((await api(tenant)('GET', '/journeys')).body.items).toEqual([]);
  });

  it('refuses to delete a template an active or paused journey sends, naming the journeys', async () => {
    const tenant = uniqueTenant('j-tpl-use');
    const [kept, swapped, spare] = [await template(tenant, 'Kept'), await template(tenant, 'Swapped'), await template(tenant, 'Spare')];
    const steps = (...ids: string[]) => ids.map((templateId, i) => ({ id: `mail${i}`, type: 'send_email', templateId }));
    const { body: journey } = await api(tenant)('POST', '/journeys', {
      name: 'Uses two',
      trigger: onTag('use'),
      steps: steps(kept, swapped, kept),
    });
    await api(tenant)('POST', '/journeys', { name: 'Draft only', trigger: onTag('use'), steps: steps(spare) });
    expect((await api(tenant)('POST', `/journeys/${journey.id}/activate`)).status).toBe(200);

    const refused = await api(tenant)('DELETE', `/templates/${kept}`);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.body.journeys).toEqual([{ id: journey.id, name: 'Uses two', status: 'active' }]);
    expect(refused.body.detail).toContain('Uses two');
    expect((await api(tenant)('GET', `/templates/${kept}`)).status).toBe(200);

    // An edit that stops sending a template frees it; pausing keeps the others held.
    const edited = await api(tenant)('PUT', `/journeys/${journey.id}`, { name: 'Uses one', trigger: onTag('use'), steps: steps(kept) });
    expect(edited.status).toBe(200);
    expect((await api(tenant)('DELETE', `/templates/${swapped}`)).status).toBe(204);
    await api(tenant)('POST', `/journeys/${journey.id}/pause`);
    expect((await api(tenant)('DELETE', `/templates/${kept}`)).body.journeys).toEqual([
      { id: journey.id, name: 'Uses one', status: 'paused' },
    ]);
    // A draft holds nothing (activating it checks its templates again); an archived journey lets go.
    expect((await api(tenant)('DELETE', `/templates/${spare}`)).status).toBe(204);
    await api(tenant)('POST', `/journeys/${journey.id}/archive`);
    expect((await api(tenant)('DELETE', `/templates/${kept}`)).status).toBe(204);
  });

  it('lets a journey start sending a template only if no delete of it has begun, so a racing delete and activation cannot both win', async () => {
    const tenant = uniqueTenant('j-tpl-race');
    const templateId = await template(tenant, 'Raced');
    const { body: journey } = await api(tenant)('POST', '/journeys', {
      name: 'Racer',
      trigger: onTag('race'),
      steps: [{ id: 'mail', type: 'send_email', templateId }],
    });
    const { body: stored } = await api(tenant)('GET', `/templates/${templateId}`);
    const at = clock().now().toISOString();

    // A delete between its mark and its reference check: the activation that would slip in between is refused.
    await templateStore.claimDelete(tenant, stored, at);
    const activated = await api(tenant)('POST', `/journeys/${journey.id}/activate`);
    expect(activated.status).toBe(409);
    expect((await api(tenant)('GET', `/journeys/${journey.id}`)).body.status).toBe('draft');

    // Once the delete gives the template back, the journey can hold it, and the delete is refused.
    await templateStore.releaseDelete(tenant, stored, at);
    expect((await api(tenant)('POST', `/journeys/${journey.id}/activate`)).status).toBe(200);
    expect((await api(tenant)('DELETE', `/templates/${templateId}`)).status).toBe(409);
    expect((await api(tenant)('GET', `/templates/${templateId}`)).status).toBe(200);
  });

  it('versions edits: runs finish on the version they entered, new ones start on the latest', async () => {
    const tenant = uniqueTenant('j-versions');
    const [first, second] = [await template(tenant, 'First draft'), await template(tenant, 'Second draft')];
    const definition = (templateId: string) => ({
      name: 'Nudge',
      trigger: onTag('nudge'),
      steps: [
        { id: 'pause', type: 'wait', duration: 'P1D' },
        { id: 'mail', type: 'send_email', templateId },
      ],
    });
    const created = await api(tenant)('POST', '/journeys', definition(first));
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toMatch(new RegExp(`/journeys/${created.body.id}$`));
    const id = created.body.id as string;
    expect((await api(tenant, 'analyst')('POST', `/journeys/${id}/activate`)).status).toBe(403);
    expect((await api(tenant)('POST', `/journeys/${id}/activate`)).body).toMatchObject({ status: 'active', version: 1 });

    await contact(tenant, { email: 'early@versions.example', tags: ['nudge'], consent: { email: { marketing: true } } });
    await rt.settle();
    expect((await api(tenant)('PUT', `/journeys/${id}`, definition(second), { 'if-match': '"0"' })).status).toBe(412);
    const edited = await api(tenant)('PUT', `/journeys/${id}`, definition(second), { 'if-match': '"1"' });
    expect(edited.body).toMatchObject({ version: 2, status: 'active' });
    await contact(tenant, { email: 'late@versions.example', tags: ['nudge'], consent: { email: { marketing: true } } });
    await advance(day);

    expect(subjectsTo('early@versions.example')).toEqual(['First draft']);
    expect(subjectsTo('late@versions.example')).toEqual(['Second draft']);
    const v1 = await api(tenant, 'analyst')('GET', `/journeys/${id}/versions/1`);
    expect(v1.body).toMatchObject({ journeyId: id, version: 1, steps: [{ id: 'pause' }, { id: 'mail', templateId: first }] });
    expect((await api(tenant, 'analyst')('GET', `/journeys/${id}/versions/3`)).status).toBe(404);
  });

  it('pauses, archives and deletes drafts only', async () => {
    const tenant = uniqueTenant('j-lifecycle');
    const mail = await template(tenant, 'Hello');
    const body = { name: 'Hello', trigger: onTag('hello'), steps: [{ id: 'mail', type: 'send_email', templateId: mail }] };
    const { body: journey } = await api(tenant)('POST', '/journeys', body);
    await api(tenant)('POST', `/journeys/${journey.id}/activate`);
    expect((await api(tenant)('POST', `/journeys/${journey.id}/pause`)).body.status).toBe('paused');
    await contact(tenant, { email: 'paused@life.example', tags: ['hello'], consent: { email: { marketing: true } } });
    await rt.settle();
    expect(outboxTo('paused@life.example')).toEqual([]);
    expect((await api(tenant)('POST', `/journeys/${journey.id}/activate`)).body.status).toBe('active');
    await contact(tenant, { email: 'active@life.example', tags: ['hello'], consent: { email: { marketing: true } } });
    await rt.settle();
    expect(subjectsTo('active@life.example')).toEqual(['Hello']);

    expect((await api(tenant)('DELETE', `/journeys/${journey.id}`)).status).toBe(409);
    expect((await api(tenant)('POST', `/journeys/${journey.id}/archive`)).body.status).toBe('archived');
    expect((await api(tenant)('POST', `/journeys/${journey.id}/activate`)).status).toBe(409);
    expect((await api(tenant)('PUT', `/journeys/${journey.id}`, body)).status).toBe(409);

    const { body: draft } = await api(tenant)('POST', '/journeys', body);
    expect((await api(tenant)('DELETE', `/journeys/${draft.id}`)).status).toBe(204);
    expect((await api(tenant)('GET', `/journeys/${draft.id}`)).status).toBe(404);
    expect((await api(uniqueTenant('j-other'), 'admin')('GET', `/journeys/${journey.id}`)).status).toBe(404);
  });

  it('installs a built-in template once per tenant, with starter templates in messaging', async () => {
    const tenant = uniqueTenant('j-install');
    const listed = await api(tenant, 'analyst')('GET', '/journeys/templates');
    expect(listed.body.items.map((t: { name: string }) => t.name)).toEqual(['welcome', 'follow-up', 'win-back', 'survey']);
    const installed = await api(tenant)('POST', '/journeys/templates/win-back/install', { name: 'Bring them back' });
    expect(installed.body).toMatchObject({
      name: 'Bring them back',
      status: 'draft',
      template: 'win-back',
      trigger: { type: 'schedule', segment: { inactiveDays: 90 } },
    });
    const starters = (await api(tenant)('GET', '/templates')).body.items.map((t: { name: string; channel: string }) => [t.name, t.channel]);
    expect(starters).toEqual([
      ['Win-back offer (journey)', 'email'],
      ['Win-back SMS (journey)', 'sms'],
    ]);
    const again = await api(tenant)('POST', '/journeys/templates/win-back/install');
    expect(again.status).toBe(409);
    expect(again.body.existingId).toBe(installed.body.id);
    expect(
      (await api(tenant)('POST', '/journeys/templates/welcome/install', { templates: { bogus: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } })).status,
    ).toBe(400);
  });
});

describe('journey engine over the bus', () => {
  it('counts every message it sends when the run’s own events race its steps', async () => {
    const tenant = uniqueTenant('j-count');
    const mail = await template(tenant, 'Counted');
    const { body: journey } = await api(tenant)('POST', '/journeys', {
      name: 'Counted',
      trigger: onTag('count'),
      steps: [
        { id: 'stage', type: 'update_contact', lifecycleStage: 'prospect' },
        { id: 'mail', type: 'send_email', templateId: mail },
      ],
    });
    await api(tenant)('POST', `/journeys/${journey.id}/activate`);
    const people = Array.from({ length: 12 }, (_, i) => `p${i}@count.example`);
    await Promise.all(people.map((email) => contact(tenant, { email, tags: ['count'], consent: { email: { marketing: true } } })));
    await rt.settle();
    expect(people.map((email) => subjectsTo(email))).toEqual(people.map(() => ['Counted']));
    expect((await stats(tenant, journey.id)).totals).toMatchObject({ entered: 12, completed: 12, sent: 12 });
  });

  it('enrols once when the same event is delivered again, even concurrently', async () => {
    const tenant = uniqueTenant('j-dupes');
    const mail = await template(tenant, 'Once');
    const { body: journey } = await api(tenant)('POST', '/journeys', {
      name: 'Once',
      trigger: onTag('once'),
      steps: [{ id: 'mail', type: 'send_email', templateId: mail }],
      reentry: { mode: 'any_time' },
    });
    await api(tenant)('POST', `/journeys/${journey.id}/activate`);
    const delivered: BusEvent[] = [];
    const stop = rt.bus.onEvent(
      (e) => e['detail-type'] === 'contact.created' && (e.detail as { tenantId: string }).tenantId === tenant && delivered.push(e),
    );
    await contact(tenant, { email: 'once@dupes.example', tags: ['once'], consent: { email: { marketing: true } } });
    await rt.settle();
    stop();
    await Promise.all([journeySubscriber(delivered[0]!), journeySubscriber(delivered[0]!)]);
    await journeySubscriber(delivered[0]!);
    await rt.settle();
    expect(subjectsTo('once@dupes.example')).toEqual(['Once']);
    expect((await stats(tenant, journey.id)).totals).toMatchObject({ entered: 1, completed: 1, sent: 1 });
  });

  it('simulates a journey without sending or writing anything', async () => {
    const tenant = uniqueTenant('j-simulate');
    const mail = await template(tenant, 'Simulated');
    const { body: journey } = await api(tenant)('POST', '/journeys', {
      name: 'Sim',
      trigger: onTag('sim'),
      steps: [
        { id: 'mail', type: 'send_email', templateId: mail },
        { id: 'wait', type: 'wait_for_event', eventType: 'order.placed', timeout: 'P7D', onTimeout: 'again' },
        { id: 'done', type: 'exit' },
        { id: 'again', type: 'send_email', templateId: mail },
      ],
    });
    const res = await api(tenant)('POST', `/journeys/${journey.id}/simulate`, {
      contact: { email: 'sim@example.com', tags: ['sim'], consent: { email: { marketing: true } } },
      events: [
        { type: 'contact.created', data: { tags: ['sim'] }, at: '2026-03-02T11:00:00Z' },
        { type: 'order.placed', data: { orderId: 'o', total: { amount: 1, currency: 'EUR' } }, at: '2026-03-04T11:00:00Z' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      version: 1,
      enrolled: true,
      result: 'completed',
      messages: [{ stepId: 'mail', channel: 'email', templateId: mail, status: 'sent' }],
    });
    expect(res.body.path.map((p: { stepId: string; outcome: string }) => `${p.stepId}:${p.outcome}`)).toEqual([
      'mail:sent',
      'wait:waiting',
      'wait:event',
      'done:exited',
    ]);
    expect(res.body.skipped).toEqual([{ stepId: 'again', reason: 'not reached: the run ended before it' }]);
    expect(outboxTo('sim@example.com')).toEqual([]);
    expect((await stats(tenant, journey.id)).totals).toMatchObject({ entered: 0 });
  });
});
