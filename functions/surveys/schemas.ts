import * as z from 'zod';
import { id, text } from '../../shared/domain/fields.ts';
import { tenantPattern } from '../../shared/http/auth.ts';
import type { SendOutcome } from '../messaging/api.ts';

export const surveyKinds = ['nps', 'csat'] as const;
export type SurveyKind = (typeof surveyKinds)[number];

/** The answer scale of each kind, with what its ends mean. */
export const scales: Record<SurveyKind, { min: number; max: number; low: string; high: string }> = {
  nps: { min: 0, max: 10, low: 'Not at all likely', high: 'Extremely likely' },
  csat: { min: 1, max: 5, low: 'Very dissatisfied', high: 'Very satisfied' },
};

export const scoresOf = (kind: SurveyKind) => {
  const { min, max } = scales[kind];
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
};

export const maxCommentChars = 2000;

/** What a sender (the journey engine) asks for; checked before anything is written. */
export const surveyRequestSchema = z.strictObject({
  tenantId: z.string().regex(tenantPattern),
  contactId: id,
  kind: z.enum(surveyKinds),
  question: text(500),
  commentPrompt: text(300).optional(),
  /** Also the message's dedupe key, so it follows messaging's rules. */
  dedupeKey: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only'),
  expiresInDays: z.number().int().min(1).max(90).default(14),
  journeyId: z.string().max(128).optional(),
  runId: z.string().max(128).optional(),
  /** The ticket the survey asks about (a journey triggered by ticket.resolved): its survey.responded names it. */
  ticketId: z.string().max(128).optional(),
});

const surveyResponse = z.object({
  score: z.number().int(),
  comment: z.string().optional(),
  respondedAt: z.string(),
  activityId: z.string().optional(),
});
export type SurveyResponse = z.infer<typeof surveyResponse>;

export const surveySendView = z
  .object({
    id,
    version: z.number().int(),
    contactId: id,
    kind: z.enum(surveyKinds),
    question: z.string(),
    commentPrompt: z.string().optional(),
    dedupeKey: z.string(),
    journeyId: z.string().optional(),
    runId: z.string().optional(),
    ticketId: z.string().optional(),
    createdAt: z.string(),
    /** The survey link stops working at this time. */
    linkExpiresAt: z.string(),
    /** What messaging did with the email when it was asked (sent, deferred to after quiet hours, skipped, failed). */
    outcome: z
      .object({ status: z.string(), messageId: z.string().optional(), reason: z.string().optional(), until: z.string().optional() })
      .optional(),
    outcomeAt: z.string().optional(),
    response: surveyResponse.optional(),
  })
  .meta({ id: 'SurveySend' });
/** A survey emailed to one contact, and its answer once given. */
export type SurveySend = Omit<z.infer<typeof surveySendView>, 'outcome'> & { outcome?: SendOutcome };

/** Path of the public survey page: the signed link token. Malformed tokens reach the service, which answers with a page. */
export const surveyPageParams = z.strictObject({ token: z.string().min(1).max(2048) });
/** `?score=7` preselects the score a person tapped in the email; other parameters (trackers) are ignored. */
export const surveyPageQuery = z.object({ score: z.string().optional() });
/** Form fields (strings) or JSON; the service checks them against the survey's scale and answers with a page. */
export const surveyAnswerBody = z.strictObject({
  score: z.union([z.number(), z.string().max(3)]).optional(),
  comment: z.string().max(20_000).optional(),
});
