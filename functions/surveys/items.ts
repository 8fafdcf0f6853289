import { tenantKey } from '../../shared/db/tenant.ts';

/** Entity names this context stores (the `entity` attribute). */
export const surveyEntities = { send: 'SURVEY_SEND', dedupeGuard: 'SURVEY_DEDUPE' } as const;

export const surveyKeys = {
  /** A survey send and, once answered, its response: GetItem by the send id a signed survey link carries. */
  surveySend: (tenantId: string, sendId: string) => ({ PK: `${tenantKey(tenantId)}#SV#${sendId}`, SK: 'SV' }),
  /** GSI1: a contact's survey sends, newest first by id (ULID). */
  contactSurvey: (tenantId: string, contactId: string, sendId: string) => ({
    GSI1PK: `${tenantKey(tenantId)}#SV#C#${contactId}`,
    GSI1SK: sendId,
  }),
  contactSurveyPartition: (tenantId: string, contactId: string) => `${tenantKey(tenantId)}#SV#C#${contactId}`,
  /** Guard naming the send a dedupe key (journey run + step) created; written in the send's transaction. */
  surveyDedupe: (tenantId: string, dedupeKey: string) => ({ PK: `${tenantKey(tenantId)}#SVD#${dedupeKey}`, SK: 'SVD' }),
} as const;
