import { isWriteConflict } from '../../shared/db/transact.ts';
import { notFound } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { brokenLink } from '../../shared/http/html-page.ts';
import type { Reply } from '../../shared/http/reply.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import type { Contact } from '../contacts/api.ts';
import { readSurveyLink } from './link.ts';
import { noticePage, surveyForm } from './page.ts';
import type { SurveyRepository } from './repository.ts';
import type { surveyRoutes } from './routes.ts';
import { maxCommentChars, type SurveySend, scales } from './schemas.ts';

/** A contact by id, to tell an unknown contact from one without surveys. */
export type ContactLookup = (tenantId: string, contactId: string) => Promise<Contact | undefined>;

const alreadyAnswered = (status: number) =>
  noticePage(status, 'Thank you!', 'You have already answered this survey, so there is nothing more to do.');

/** A whole number on the survey's scale, from a form field or JSON; undefined otherwise. */
export const parseScore = (send: Pick<SurveySend, 'kind'>, raw: unknown): number | undefined => {
  const score = typeof raw === 'string' && /^\d{1,2}$/.test(raw) ? Number(raw) : raw;
  const { min, max } = scales[send.kind];
  return typeof score === 'number' && Number.isInteger(score) && score >= min && score <= max ? score : undefined;
};

export const surveyService = (repo: SurveyRepository, findContact: ContactLookup) => {
  /** The send a link token names, or the page to show instead (expired, broken, gone). */
  const open = async (token: string): Promise<{ tenantId: string; send: SurveySend } | { page: Reply }> => {
    const link = await readSurveyLink(token, clock().now());
    if (link.status === 'expired')
      return { page: noticePage(410, 'This survey has closed', 'The link has expired. Thank you for your time all the same.') };
    if (link.status === 'invalid') return { page: noticePage(brokenLink.status, brokenLink.title, brokenLink.message) };
    const send = await repo.get(link.tenantId, link.sendId, true);
    if (!send) return { page: noticePage(404, 'This survey is no longer available', 'There is nothing to answer here any more.') };
    return { tenantId: link.tenantId, send };
  };

  const service: ServiceFor<typeof surveyRoutes, RequestContext> = {
    async showSurvey({ params, query }) {
      const found = await open(params.token);
      if ('page' in found) return found.page;
      if (found.send.response) return alreadyAnswered(200);
      return surveyForm(200, { ...found.send, selected: parseScore(found.send, query.score) });
    },

    async answerSurvey({ params, body }) {
      const found = await open(params.token);
      if ('page' in found) return found.page;
      const { tenantId, send } = found;
      if (send.response) return alreadyAnswered(409);

      const score = parseScore(send, body.score);
      const comment = send.commentPrompt ? body.comment?.trim() || undefined : undefined;
      const commentTooLong = comment !== undefined && comment.length > maxCommentChars;
      if (score === undefined || commentTooLong) {
        const { min, max } = scales[send.kind];
        const errors = {
          score: score === undefined ? `Please pick a score from ${min} to ${max}.` : undefined,
          comment: commentTooLong ? `Please keep your comment under ${maxCommentChars} characters.` : undefined,
        };
        return surveyForm(400, { ...send, selected: score, comment: body.comment, errors });
      }

      const respondedAt = clock().now().toISOString();
      const event = domainEvent(tenantId, 'survey.responded', {
        surveyId: send.id,
        sendId: send.id,
        contactId: send.contactId,
        kind: send.kind,
        score,
        comment,
        journeyId: send.journeyId,
        runId: send.runId,
        ticketId: send.ticketId,
      });
      try {
        await repo.respond(tenantId, send.id, { score, comment, respondedAt }, event);
      } catch (error) {
        if (isWriteConflict(error, 'ANSWERED')) return alreadyAnswered(409);
        throw error;
      }
      return noticePage(200, 'Thank you!', 'Your answer has been recorded. It helps us do better.');
    },

    async listContactSurveys({ params, query }, ctx) {
      const [contact, page] = await Promise.all([
        findContact(ctx.tenantId, params.id),
        repo.listByContact(ctx.tenantId, params.id, query.limit, query.cursor),
      ]);
      if (!contact) throw notFound('contact');
      return page;
    },
  };
  return service;
};
