import type { SendOutcome } from '../messaging/api.ts';
import type { SurveyRequest } from './dispatch.ts';
import { pendingSurveys } from './pending.ts';
import { sendSurvey } from './send.ts';

export type { SurveyRequest } from './dispatch.ts';

/** What other contexts may ask of surveys. */
export const surveysApi = {
  /**
   * Emails an NPS or CSAT survey as a signed, expiring link; the same
   * dedupeKey never creates a second send. sendId is the surveyId of the
   * survey.responded event it may lead to.
   */
  send: (request: SurveyRequest): Promise<{ sendId: string; outcome: SendOutcome }> => sendSurvey(request),
  /**
   * A contact's surveys still waiting for an answer (the self-service portal
   * lists them), newest first, each with the url of its survey page.
   */
  pending: (request: {
    tenantId: string;
    contactId: string;
    now: Date;
  }): Promise<{ id: string; kind: string; question: string; url: string; createdAt: string; linkExpiresAt: string }[]> =>
    pendingSurveys(request),
};
export type SurveysApi = typeof surveysApi;
