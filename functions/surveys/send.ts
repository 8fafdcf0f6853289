import { messagingApi, type SendOutcome } from '../messaging/api.ts';
import { type SurveyRequest, surveyDispatcher } from './dispatch.ts';
import { surveyRepository } from './repository.ts';

export type { SurveyRequest } from './dispatch.ts';

/**
 * Emails an NPS (0–10) or CSAT (1–5) survey as a signed, expiring link to its
 * public page; the same dedupeKey never creates a second send. sendId is also
 * the surveyId of the survey.responded event it may lead to.
 */
export const sendSurvey: (request: SurveyRequest) => Promise<{ sendId: string; outcome: SendOutcome }> = surveyDispatcher(
  surveyRepository,
  messagingApi.send,
);
