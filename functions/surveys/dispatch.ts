import type * as z from 'zod';
import { isWriteConflict } from '../../shared/db/transact.ts';
import { invalid } from '../../shared/errors.ts';
import { fieldErrors } from '../../shared/http/problem.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import type { SendOutcome, SendRequest } from '../messaging/api.ts';
import { surveyEmail } from './email.ts';
import { surveyUrl } from './link.ts';
import type { SurveyRepository } from './repository.ts';
import { type SurveySend, surveyRequestSchema } from './schemas.ts';

export type SurveyRequest = z.input<typeof surveyRequestSchema>;

const day = 86_400_000;

/**
 * Sends a survey: stores the send (once per dedupe key), then emails its
 * signed link through messaging with the same key, then notes the outcome.
 * A retry after a crash finds the stored send and asks messaging again,
 * which answers for the first attempt instead of sending a second email.
 */
export const surveyDispatcher =
  (repo: SurveyRepository, sendMessage: (request: SendRequest) => Promise<SendOutcome>) =>
  async (input: SurveyRequest): Promise<{ sendId: string; outcome: SendOutcome }> => {
    const parsed = surveyRequestSchema.safeParse(input);
    if (!parsed.success) throw invalid('the survey request has invalid fields', fieldErrors(parsed.error, 'survey'));
    const { tenantId, expiresInDays, ...request } = parsed.data;
    const now = clock().now();
    const fresh: SurveySend = {
      id: newId(),
      version: 1,
      ...request,
      createdAt: now.toISOString(),
      linkExpiresAt: new Date(now.getTime() + expiresInDays * day).toISOString(),
    };

    let send = fresh;
    try {
      await repo.create(tenantId, fresh);
    } catch (error) {
      const existing = isWriteConflict(error, 'DEDUPE') ? await repo.byDedupeKey(tenantId, request.dedupeKey) : undefined;
      if (!existing) throw error;
      if (existing.outcome) return { sendId: existing.id, outcome: existing.outcome };
      send = existing;
    }

    const outcome = await sendMessage({
      tenantId,
      contactId: send.contactId,
      channel: 'email',
      purpose: 'surveys',
      content: surveyEmail(send.kind, Math.round((Date.parse(send.linkExpiresAt) - Date.parse(send.createdAt)) / day)),
      variables: { surveyUrl: await surveyUrl(tenantId, send.id, new Date(send.linkExpiresAt)), question: send.question },
      dedupeKey: send.dedupeKey,
      journeyId: send.journeyId,
      runId: send.runId,
    });
    await repo.recordOutcome(tenantId, send.id, outcome, clock().now().toISOString());
    return { sendId: send.id, outcome };
  };
