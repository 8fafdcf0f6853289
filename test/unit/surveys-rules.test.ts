import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivitiesApi, Activity } from '../../functions/activities/api.ts';
import type { Contact } from '../../functions/contacts/api.ts';
import type { SendOutcome, SendRequest } from '../../functions/messaging/api.ts';
import { surveyDispatcher } from '../../functions/surveys/dispatch.ts';
import { surveyService } from '../../functions/surveys/service.ts';
import { responseToTimeline } from '../../functions/surveys/timeline.ts';
import { notFound } from '../../shared/errors.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { Reply } from '../../shared/http/reply.ts';
import { systemClock, useClock } from '../../shared/ports/clock.ts';
import { memorySurveys } from '../support/fakes/surveys.ts';

const tenantId = 'acme';
const contactId = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const request = { tenantId, contactId, kind: 'nps' as const, question: 'Recommend us?', dedupeKey: 'run-1.survey' };
const ctx: RequestContext = { tenantId, userId: 'user-1', roles: ['admin'] };

let now = new Date('2026-05-04T10:00:00Z');
beforeEach(() => {
  now = new Date('2026-05-04T10:00:00Z');
  useClock({ now: () => now });
});
afterEach(() => useClock(systemClock));

/** A sender that answers like messaging: the same dedupe key is sent once, a repeat is told it was a duplicate. */
const messaging = () => {
  const requests: SendRequest[] = [];
  const sent = new Set<string>();
  const send = async (r: SendRequest): Promise<SendOutcome> => {
    requests.push(r);
    if (sent.has(r.dedupeKey!)) return { status: 'skipped', reason: 'duplicate', messageId: 'm1' };
    sent.add(r.dedupeKey!);
    return { status: 'sent', messageId: 'm1' };
  };
  return { requests, send };
};

const setup = () => {
  const fake = memorySurveys();
  const sender = messaging();
  const service = surveyService(fake.repo, async (_t, id) => (id === contactId ? ({ id } as Contact) : undefined));
  return { ...fake, sender, service, dispatch: surveyDispatcher(fake.repo, sender.send) };
};

/** The link token of a send, from the URL its email carries. */
const tokenOf = (sender: ReturnType<typeof messaging>) => String(sender.requests[0]!.variables!.surveyUrl).split('/s/')[1]!;
const html = (reply: unknown) => String((reply as Reply).body);

describe('survey rules', () => {
  it('creates one send per dedupe key when sends race, and every caller gets its id', async () => {
    const { dispatch, sends, sender } = setup();
    const results = await Promise.all(Array.from({ length: 4 }, () => dispatch(request)));
    expect(sends.size).toBe(1);
    expect(new Set(results.map((r) => r.sendId)).size).toBe(1);
    expect(sender.requests.every((r) => r.dedupeKey === 'run-1.survey')).toBe(true);
    const again = await dispatch({ ...request, question: 'Another?' });
    expect(again.sendId).toBe(results[0]!.sendId);
    expect([...sends.values()][0]!.question).toBe('Recommend us?');
  });

  it('records one response however many answers arrive, with one survey.responded', async () => {
    const { dispatch, service, sender, sends, events } = setup();
    const { sendId } = await dispatch(request);
    const token = tokenOf(sender);
    const answers = await Promise.all(
      ['9', '3', '7'].map((score) => service.answerSurvey({ params: { token }, query: undefined, body: { score } }, ctx) as Promise<Reply>),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
    expect(events.map((e) => e.type)).toEqual(['survey.responded']);
    const stored = sends.get(`${tenantId}|${sendId}`)!;
    expect(events[0]!.data).toMatchObject({ sendId, contactId, kind: 'nps', score: stored.response!.score });
    const later = (await service.answerSurvey({ params: { token }, query: undefined, body: { score: '1' } }, ctx)) as Reply;
    expect(later.status).toBe(409);
    expect(html(await service.showSurvey({ params: { token }, query: {}, body: undefined }, ctx))).toContain('already answered');
  });

  it('names the ticket a survey asked about on its survey.responded', async () => {
    const { dispatch, service, sender, events } = setup();
    await dispatch({ ...request, kind: 'csat', ticketId: 'T-1' });
    await service.answerSurvey({ params: { token: tokenOf(sender) }, query: undefined, body: { score: '5' } }, ctx);
    expect(events[0]!.data).toMatchObject({ kind: 'csat', score: 5, ticketId: 'T-1' });
  });

  it('refuses a score off the scale without recording it', async () => {
    const { dispatch, service, sender, events } = setup();
    await dispatch({ ...request, kind: 'csat' });
    const reply = (await service.answerSurvey(
      { params: { token: tokenOf(sender) }, query: undefined, body: { score: '6' } },
      ctx,
    )) as Reply;
    expect(reply.status).toBe(400);
    expect(html(reply)).toContain('Please pick a score from 1 to 5.');
    expect(events).toHaveLength(0);
  });

  it('shows a closed page for an expired link and records nothing', async () => {
    const { dispatch, service, sender, events } = setup();
    await dispatch({ ...request, expiresInDays: 3 });
    const token = tokenOf(sender);
    now = new Date('2026-05-07T10:00:01Z');
    const shown = (await service.showSurvey({ params: { token }, query: {}, body: undefined }, ctx)) as Reply;
    expect(shown.status).toBe(410);
    expect(html(shown)).toContain('This survey has closed');
    const answered = (await service.answerSurvey({ params: { token }, query: undefined, body: { score: '9' } }, ctx)) as Reply;
    expect(answered.status).toBe(410);
    expect(events).toHaveLength(0);
  });

  it('puts a response on the timeline once, even when survey.responded comes again', async () => {
    const { dispatch, service, sender, sends, repo } = setup();
    const { sendId } = await dispatch(request);
    await service.answerSurvey({ params: { token: tokenOf(sender) }, query: undefined, body: { score: '8' } }, ctx);
    const recorded: Parameters<ActivitiesApi['record']>[0][] = [];
    const record: ActivitiesApi['record'] = async (input) => {
      recorded.push(input);
      return { id: 'activity-1' } as Activity;
    };
    const event = { tenantId, data: { sendId } } as Parameters<ReturnType<typeof responseToTimeline>>[0];
    await responseToTimeline(repo, record)(event);
    await responseToTimeline(repo, record)(event);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ contactId, dedupeKey: `survey-response/${sendId}`, actor: { type: 'system', id: 'surveys' } });
    expect(recorded[0]!.entry).toMatchObject({ type: 'survey', subject: 'NPS 8/10: Recommend us?' });
    expect(sends.get(`${tenantId}|${sendId}`)!.response!.activityId).toBe('activity-1');
  });

  it('leaves the timeline alone when the contact was deleted after answering', async () => {
    const { dispatch, service, sender, repo } = setup();
    const { sendId } = await dispatch(request);
    await service.answerSurvey({ params: { token: tokenOf(sender) }, query: undefined, body: { score: '8' } }, ctx);
    const gone: ActivitiesApi['record'] = async () => {
      throw notFound('contact');
    };
    await expect(responseToTimeline(repo, gone)({ tenantId, data: { sendId } } as never)).resolves.toBeUndefined();
  });
});
