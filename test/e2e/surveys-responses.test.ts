import { describe, expect, it } from 'vitest';
import { activitiesApi } from '../../functions/activities/api.ts';
import { surveyRepository } from '../../functions/surveys/repository.ts';
import { sendSurvey } from '../../functions/surveys/send.ts';
import { responseToTimeline } from '../../functions/surveys/timeline.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { signLink } from '../../shared/crypto/signed.ts';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

// A Monday noon: outside the default quiet hours, so survey emails leave at once.
const clock = new ManualClock(new Date('2026-05-04T12:00:00Z'));
const rt = useTestRuntime({ clock });
const api =
  (tenant: string, role: Role) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role]))(...args);
const day = 86_400_000;

/** A contact who agreed to surveys by email, and a survey sent to them; returns the link from the email in the outbox. */
const surveyed = async (tenant: string, extra: Partial<Parameters<typeof sendSurvey>[0]> = {}) => {
  const email = `${Math.random().toString(36).slice(2)}@example.com`;
  const { body: contact } = await api(tenant, 'admin')('POST', '/contacts', {
    email,
    firstName: 'Ana',
    consent: { email: { surveys: true } },
  });
  const sent = await sendSurvey({
    tenantId: tenant,
    contactId: contact.id,
    kind: 'nps',
    question: 'How likely are you to recommend us to a friend?',
    commentPrompt: 'What is the main reason for your score?',
    dedupeKey: `run-${contact.id}.survey`,
    ...extra,
  });
  const message = rt.outbox.messages().find((m) => m.channel === 'email' && m.email.to === email);
  const link = message?.channel === 'email' ? /https?:\/\/\S+\/s\/[\w.-]+/.exec(message.email.text ?? '')?.[0] : undefined;
  if (!link) throw new Error(`no survey email for ${email}: ${JSON.stringify(sent)}`);
  return { contact, sent, path: new URL(link).pathname, email };
};

const page = (path: string, init: RequestInit = {}) =>
  fetch(`${rt.url}${path}`, init).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), html: await r.text() }));
const submit = (path: string, fields: Record<string, string>) =>
  page(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

describe('survey responses', () => {
  it('records one answer per send, on the send, the timeline and as survey.responded', async () => {
    const tenant = uniqueTenant('survey');
    const events: any[] = [];
    const stop = rt.bus.onEvent((e) => e.detail.tenantId === tenant && e['detail-type'] === 'survey.responded' && events.push(e.detail));
    const { contact, sent, path, email } = await surveyed(tenant, { journeyId: 'journey-1', runId: 'run-1' });
    expect(sent.outcome.status).toBe('sent');

    const form = await page(path);
    expect(form.status).toBe(200);
    expect(form.type).toBe('text/html; charset=utf-8');
    expect(form.html).toContain('How likely are you to recommend us to a friend?');

    const thanks = await submit(path, { score: '9', comment: '  Quick and friendly  ' });
    expect(thanks.status).toBe(200);
    expect(thanks.html).toContain('Your answer has been recorded');
    const again = await submit(path, { score: '2' });
    expect(again.status).toBe(409);
    expect(again.html).toContain('already answered');
    expect((await page(path)).html).toContain('already answered');

    await rt.settle();
    stop();
    expect(events).toHaveLength(1);
    expect(events[0].data).toEqual({
      surveyId: sent.sendId,
      sendId: sent.sendId,
      contactId: contact.id,
      kind: 'nps',
      score: 9,
      comment: 'Quick and friendly',
      journeyId: 'journey-1',
      runId: 'run-1',
    });

    const { body: surveys } = await api(tenant, 'analyst')('GET', `/contacts/${contact.id}/surveys`);
    expect(surveys.items).toHaveLength(1);
    expect(surveys.items[0]).toMatchObject({
      id: sent.sendId,
      kind: 'nps',
      outcome: { status: 'sent' },
      response: { score: 9, comment: 'Quick and friendly', respondedAt: '2026-05-04T12:00:00.000Z' },
    });

    const { body: timeline } = await api(tenant, 'sales')('GET', `/contacts/${contact.id}/activities`);
    const answers = timeline.items.filter((a: any) => a.type === 'survey');
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      channel: 'web',
      direction: 'inbound',
      metadata: { kind: 'nps', score: 9, comment: 'Quick and friendly', sendId: sent.sendId },
    });
    expect(surveys.items[0].response.activityId).toBe(answers[0].id);

    // the same step run again sends nothing new
    const before = rt.outbox.messages().filter((m) => m.channel === 'email' && m.email.to === email).length;
    expect(
      await sendSurvey({ tenantId: tenant, contactId: contact.id, kind: 'nps', question: 'Again?', dedupeKey: `run-${contact.id}.survey` }),
    ).toEqual(sent);
    expect(rt.outbox.messages().filter((m) => m.channel === 'email' && m.email.to === email)).toHaveLength(before);
  });

  it('keeps exactly one answer when several arrive at once', async () => {
    const tenant = uniqueTenant('survey-race');
    const { contact, path } = await surveyed(tenant);
    const results = await Promise.all(['1', '2', '3', '4', '5', '6'].map((score) => submit(path, { score })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    await rt.settle();
    const { body } = await api(tenant, 'admin')('GET', `/contacts/${contact.id}/surveys`);
    const { body: timeline } = await api(tenant, 'admin')('GET', `/contacts/${contact.id}/activities`);
    expect(timeline.items.filter((a: any) => a.type === 'survey')).toHaveLength(1);
    expect(timeline.items.find((a: any) => a.type === 'survey').metadata.score).toBe(body.items[0].response.score);
  });

  it('adds no second timeline entry when survey.responded comes again after a crash that kept the entry off the send', async () => {
    const tenant = uniqueTenant('survey-crash');
    const { contact, sent, path } = await surveyed(tenant);
    await submit(path, { score: '7' });
    await rt.settle();
    // As if the process had died between writing the entry and noting it on the send.
    const unlinked = {
      ...surveyRepository,
      get: async (...args: Parameters<typeof surveyRepository.get>) => {
        const send = await surveyRepository.get(...args);
        return send && { ...send, response: send.response && { ...send.response, activityId: undefined } };
      },
    };
    const redeliver = responseToTimeline(unlinked, activitiesApi.record);
    await redeliver({ tenantId: tenant, data: { sendId: sent.sendId } } as Parameters<typeof redeliver>[0]);
    await redeliver({ tenantId: tenant, data: { sendId: sent.sendId } } as Parameters<typeof redeliver>[0]);
    const { body: timeline } = await api(tenant, 'admin')('GET', `/contacts/${contact.id}/activities`);
    expect(timeline.items.filter((a: any) => a.type === 'survey')).toHaveLength(1);
  });

  it('sends the form back with a message for a score off the scale, and records nothing', async () => {
    const tenant = uniqueTenant('survey-bad');
    const { contact, path } = await surveyed(tenant, { kind: 'csat', question: 'How satisfied are you with your support?' });
    for (const score of ['0', '6', 'ten', '']) {
      const res = await submit(path, { score, comment: 'kept' });
      expect(res.status, score).toBe(400);
      expect(res.type).toBe('text/html; charset=utf-8');
      expect(res.html).toContain('Please pick a score from 1 to 5.');
      expect(res.html).toContain('>kept</textarea>');
    }
    const json = await page(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ score: 4.5 }),
    });
    expect(json.status).toBe(400);
    const { body } = await api(tenant, 'admin')('GET', `/contacts/${contact.id}/surveys`);
    expect(body.items[0].response).toBeUndefined();
    // JSON clients may answer too
    const ok = await page(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 5 }) });
    expect(ok.status).toBe(200);
  });

  it('preselects the score tapped in the email, ignoring other parameters', async () => {
    const { path } = await surveyed(uniqueTenant('survey-tap'));
    const res = await page(`${path}?score=7&utm_source=newsletter`);
    expect(res.status).toBe(200);
    expect(res.html).toMatch(/value="7" required[^>]*checked/);
    for (const score of ['99', 'abcdefghijklmnopqrstuvwxyz']) {
      const res = await page(`${path}?score=${score}`);
      expect(res.status).toBe(200);
      expect(res.html).not.toMatch(/required[^>]*checked/);
    }
  });

  it('shows a page, not a problem document, for tampered, unknown and expired links', async () => {
    const tenant = uniqueTenant('survey-links');
    const { path } = await surveyed(tenant);
    const tampered = await page(`${path.slice(0, -3)}abc`);
    expect(tampered.status).toBe(400);
    expect(tampered.type).toBe('text/html; charset=utf-8');
    expect(tampered.html).toContain('This link does not work');
    expect((await submit(`${path.slice(0, -3)}abc`, { score: '5' })).status).toBe(400);

    const unknown = await signLink({ t: tenant, s: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, 'survey', new Date(clock.now().getTime() + day));
    expect((await page(`/s/${unknown}`)).status).toBe(404);

    await clock.advance(15 * day);
    const expired = await page(path);
    expect(expired.status).toBe(410);
    expect(expired.type).toBe('text/html; charset=utf-8');
    expect(expired.html).toContain('This survey has closed');
    expect((await submit(path, { score: '10' })).status).toBe(410);
  });

  it('lists a contact’s surveys newest first, page by page, to staff of its tenant only', async () => {
    const tenant = uniqueTenant('survey-list');
    const { contact } = await surveyed(tenant, { dedupeKey: 'first' });
    const second = await sendSurvey({ tenantId: tenant, contactId: contact.id, kind: 'csat', question: 'Happy?', dedupeKey: 'second' });
    const first = await api(tenant, 'support')('GET', `/contacts/${contact.id}/surveys?limit=1`);
    expect(first.body.items.map((s: any) => s.id)).toEqual([second.sendId]);
    const next = await api(tenant, 'support')(
      'GET',
      `/contacts/${contact.id}/surveys?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(next.body.items.map((s: any) => s.kind)).toEqual(['nps']);

    expect((await api(uniqueTenant('other'), 'admin')('GET', `/contacts/${contact.id}/surveys`)).status).toBe(404);
    expect((await api(tenant, 'admin')('GET', '/contacts/01ARZ3NDEKTSV4RRFFQ69G5FAV/surveys')).status).toBe(404);
    expect((await apiClient(rt.url)('GET', `/contacts/${contact.id}/surveys`)).status).toBe(401);
  });
});
