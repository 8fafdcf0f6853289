import type { Page } from '../../shared/db/query.ts';
import { knowledgeRepository } from './repository.ts';
import type { PublicArticle, PublicHit } from './schemas.ts';
import { knowledgeCore } from './service.ts';

export type { PublicArticle, PublicHit } from './schemas.ts';

/** The core over the real repository. */
const core = async () => knowledgeCore(knowledgeRepository);

/** What the self-service portal asks of the knowledge base: published articles only. */
export const knowledgeApi = {
  /** Published articles matching `q` (all of them without it) in `locale` and its regional forms; `limit` distinct ones a page. */
  async search(input: { tenantId: string; q?: string; locale?: string; limit?: number; cursor?: string }): Promise<Page<PublicHit>> {
    const { tenantId, limit = 20, ...rest } = input;
    return (await core()).public.search(tenantId, { ...rest, limit: Math.min(Math.max(limit, 1), 100) });
  },

  /** The published article a slug names in `locale` (in its first published locale without one). */
  async getPublished(input: { tenantId: string; slug: string; locale?: string }): Promise<Omit<PublicArticle, 'terms'> | undefined> {
    return (await core()).public.getPublished(input.tenantId, input.slug, input.locale);
  },

  /** Counts a view of the article today, and adds it to the search session's views when one is given. */
  async recordView(input: { tenantId: string; articleId: string; sessionId?: string }): Promise<void> {
    await (await core()).public.recordView(input.tenantId, input.articleId, input.sessionId);
  },

  /** Whether the article helped, with an optional comment; a second answer from the same session is a 409 conflict. */
  async recordFeedback(input: {
    tenantId: string;
    slug: string;
    locale?: string;
    helpful: boolean;
    comment?: string;
    sessionId?: string;
  }): Promise<{ articleId: string; helpful: boolean; recordedAt: string }> {
    const { tenantId, ...feedback } = input;
    return (await core()).public.recordFeedback(tenantId, feedback);
  },

  /**
   * Starts a search session (or counts one more search in it). 24 h after its first search each article
   * viewed in it counts a deflection, unless `contactId` opened a ticket meanwhile.
   */
  async recordSearchSession(input: { tenantId: string; sessionId: string; contactId?: string }): Promise<void> {
    await (await core()).public.recordSearchSession(input.tenantId, input.sessionId, input.contactId);
  },
};
export type KnowledgeApi = typeof knowledgeApi;
