import { knowledgeApi } from '../knowledge/api.ts';
import type { KnowledgePort } from './service.ts';

/** The knowledge base as the portal shows it: published articles of the tenant; opening one counts a view. */
export const publishedKnowledge: KnowledgePort = {
  async search(tenantId, q, locale) {
    const page = await knowledgeApi.search({ tenantId, q, locale, limit: 20 });
    return page.items.map((hit) => ({ slug: hit.slug, title: hit.title, excerpt: hit.excerpt, locale: hit.locale }));
  },
  async article(tenantId, slug, locale) {
    const article = await knowledgeApi.getPublished({ tenantId, slug, locale });
    if (!article) return undefined;
    await knowledgeApi.recordView({ tenantId, articleId: article.articleId });
    return { slug: article.slug, title: article.title, body: article.body, locale: article.locale, updatedAt: article.publishedAt };
  },
};
