import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SendOutcome, SendRequest } from '../../functions/messaging/schemas.ts';
import { surveyDispatcher } from '../../functions/surveys/dispatch.ts';
import { readSurveyLink } from '../../functions/surveys/link.ts';
import type { SurveySend } from '../../functions/surveys/schemas.ts';
import { DomainError } from '../../shared/errors.ts';
import { systemClock, useClock } from '../../shared/ports/clock.ts';
import { memorySurveys } from '../support/fakes/surveys.ts';

const now = new Date('2026-05-04T10:00:00Z');
const contactId = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const request = {
  tenantId: 'acme',
  contactId,
  kind: 'nps' as const,
  question: 'How likely are you to recommend us to a friend?',
  dedupeKey: 'run-1.survey',
};

const memoryRepo = memorySurveys;
const sendOf = (sends: Map<string, SurveySend>, id: string) => sends.get(`acme|${id}`);

const recordingSender = (outcome: SendOutcome = { status: 'sent', messageId: 'm1' }) => {
  const requests: SendRequest[] = [];
  return {
    requests,
    send: async (r: SendRequest) => {
      requests.push(r);
      return outcome;
    },
  };
};

beforeEach(() => useClock({ now: () => now }));
afterEach(() => useClock(systemClock));

describe('sendSurvey', () => {
  it('stores the send and emails a signed link to its page through messaging', async () => {
    const { repo, sends } = memoryRepo();
    const sender = recordingSender();
    const result = await surveyDispatcher(repo, sender.send)({ ...request, journeyId: 'j1', runId: 'run-1' });

    expect(result.outcome).toEqual({ status: 'sent', messageId: 'm1' });
    expect(sendOf(sends, result.sendId)).toMatchObject({
      contactId,
      kind: 'nps',
      dedupeKey: 'run-1.survey',
      linkExpiresAt: '2026-05-18T10:00:00.000Z',
      outcome: result.outcome,
    });
    const [message] = sender.requests;
    expect(message).toMatchObject({
      tenantId: 'acme',
      contactId,
      channel: 'email',
      purpose: 'surveys',
      dedupeKey: 'run-1.survey',
      journeyId: 'j1',
      runId: 'run-1',
    });
    expect(message!.content!.html).toContain('{{ surveyUrl }}');
    expect(message!.content!.text).toContain('{{ surveyUrl }}');
    expect(message!.variables!.question).toBe(request.question);

    const url = String(message!.variables!.surveyUrl);
    expect(url).toMatch(/^http:\/\/localhost:3000\/s\/[\w-]+\.[\w-]+$/);
    const token = url.split('/s/')[1]!;
    expect(await readSurveyLink(token, now)).toEqual({ status: 'valid', tenantId: 'acme', sendId: result.sendId });
    expect(await readSurveyLink(token, new Date('2026-05-18T10:00:01Z'))).toEqual({ status: 'expired' });
  });

  it('sends once per dedupe key and answers a repeat with the first result', async () => {
    const { repo, sends } = memoryRepo();
    const sender = recordingSender();
    const first = await surveyDispatcher(repo, sender.send)(request);
    const again = await surveyDispatcher(repo, sender.send)({ ...request, question: 'Something else?' });
    expect(again).toEqual(first);
    expect(sender.requests).toHaveLength(1);
    expect(sends.size).toBe(1);
  });

  it('finishes a send a crash interrupted, asking messaging again with the same key', async () => {
    const { repo, sends } = memoryRepo();
    const crashing = async () => {
      throw new Error('lambda timed out');
    };
    await expect(surveyDispatcher(repo, crashing)(request)).rejects.toThrow('timed out');
    const [stored] = [...sends.values()];
    expect(stored?.outcome).toBeUndefined();

    const sender = recordingSender({ status: 'skipped', reason: 'duplicate', messageId: 'm1' });
    const retry = await surveyDispatcher(repo, sender.send)(request);
    expect(retry.sendId).toBe(stored!.id);
    expect(sender.requests[0]).toMatchObject({ dedupeKey: 'run-1.survey' });
    expect(sendOf(sends, stored!.id)?.outcome).toEqual(retry.outcome);
  });

  it('keeps the link lifetime asked for and says it in the email', async () => {
    const { repo, sends } = memoryRepo();
    const sender = recordingSender();
    const { sendId } = await surveyDispatcher(repo, sender.send)({ ...request, kind: 'csat', expiresInDays: 3 });
    expect(sendOf(sends, sendId)?.linkExpiresAt).toBe('2026-05-07T10:00:00.000Z');
    expect(sender.requests[0]!.content!.text).toContain('works for 3 days');
    expect(sender.requests[0]!.content!.text).toContain('from 1 (Very dissatisfied) to 5 (Very satisfied)');
  });

  it('refuses a bad request before writing or sending anything', async () => {
    const { repo, sends } = memoryRepo();
    const sender = recordingSender();
    for (const bad of [{ kind: 'stars' }, { question: ' ' }, { dedupeKey: 'has space' }, { expiresInDays: 0 }, { contactId: 'nope' }]) {
      await expect(surveyDispatcher(repo, sender.send)({ ...request, ...bad } as typeof request)).rejects.toBeInstanceOf(DomainError);
    }
    expect(sends.size).toBe(0);
    expect(sender.requests).toHaveLength(0);
  });
});
