import type { SendOutcome } from '../messaging/api.ts';
import type { SurveyRequest } from './dispatch.ts';
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
};
export type SurveysApi = typeof surveysApi;
