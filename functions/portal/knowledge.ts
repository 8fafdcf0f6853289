import type { KnowledgePort } from './service.ts';

/**
 * The knowledge base behind the portal's port until the knowledge context
 * publishes its api.ts (search and article of published articles): until
 * then no article is published, so a search finds nothing and an article is
 * not found. Wiring the real one is this file only.
 */
export const unpublishedKnowledge: KnowledgePort = {
  search: async () => [],
  article: async () => undefined,
};
