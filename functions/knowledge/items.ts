import { tenantKey } from '../../shared/db/tenant.ts';
import type { ArticleHead, ArticleVersion, Category, DayFigures, FeedbackComment, PublicArticle } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const knowledgeEntities = {
  category: 'KB_CATEGORY',
  categoryCount: 'KB_CATEGORY_COUNT',
  article: 'KB_ARTICLE',
  version: 'KB_ARTICLE_VERSION',
  published: 'KB_PUBLISHED_ARTICLE',
  slug: 'KB_SLUG_GUARD',
  term: 'KB_TERM',
  dayFigures: 'KB_DAY_FIGURES',
  comment: 'KB_FEEDBACK_COMMENT',
  feedbackGuard: 'KB_FEEDBACK_GUARD',
  session: 'KB_SEARCH_SESSION',
  contactTicket: 'KB_CONTACT_TICKET',
} as const;

/** The two search indexes: staff (every article, by its newest version) and public (published versions). */
export type TermIndex = 'S' | 'P';

/** How long a search session and a contact's ticket marks are kept: past the 24 h deflection window and a late timer. */
export const sessionDays = 7;
export const deflectionWindowMs = 24 * 3600 * 1000;

const articlePartition = (tenantId: string, id: string) => `${tenantKey(tenantId)}#KBA#${id}`;
const versionKey = (n: number) => `V#${String(n).padStart(6, '0')}`;

export const knowledgeKeys = {
  /** A category: GetItem by id; GSI1 lists a tenant's categories, oldest first. */
  category: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#KBC#${id}`, SK: 'C' }),
  /** How many articles a category holds (ADD with each article filed or moved): a category is deleted only at 0. */
  categoryCount: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#KBC#${id}`, SK: 'N' }),
  categoryList: (tenantId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#KBC`, GSI1SK: id }),
  categoryListPartition: (tenantId: string) => `${tenantKey(tenantId)}#KBC`,
  /** An article's head: GetItem by id. GSI1 lists a tenant's articles, GSI2 a category's, oldest first. */
  article: (tenantId: string, id: string) => ({ PK: articlePartition(tenantId, id), SK: 'A' }),
  articleList: (tenantId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#KBA`, GSI1SK: id }),
  articleListPartition: (tenantId: string) => `${tenantKey(tenantId)}#KBA`,
  byCategory: (tenantId: string, categoryId: string, id: string) => ({
    GSI2PK: `${tenantKey(tenantId)}#KBA#CAT#${categoryId}`,
    GSI2SK: id,
  }),
  byCategoryPartition: (tenantId: string, categoryId: string) => `${tenantKey(tenantId)}#KBA#CAT#${categoryId}`,
  /** A version of an article, in its partition: one GetItem, or the history as one Query (`begins_with V#`). */
  version: (tenantId: string, id: string, n: number) => ({ PK: articlePartition(tenantId, id), SK: versionKey(n) }),
  versionPrefix: 'V#',
  articlePartition,
  /**
   * The public copy of the published version, in the article's partition: GetItem by article id. GSI1 lists a
   * locale's published articles; GSI2 finds a slug in every locale it is published in.
   */
  published: (tenantId: string, id: string) => ({ PK: articlePartition(tenantId, id), SK: 'P' }),
  publishedList: (tenantId: string, locale: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#KBP#${locale}`, GSI1SK: id }),
  publishedListPartition: (tenantId: string, locale: string) => `${tenantKey(tenantId)}#KBP#${locale}`,
  publishedAll: (tenantId: string, id: string) => ({ GSI3PK: `${tenantKey(tenantId)}#KBP`, GSI3SK: id }),
  publishedAllPartition: (tenantId: string) => `${tenantKey(tenantId)}#KBP`,
  publishedSlug: (tenantId: string, slug: string, locale: string) => ({
    GSI2PK: `${tenantKey(tenantId)}#KBP#SLUG#${slug}`,
    GSI2SK: locale,
  }),
  publishedSlugPartition: (tenantId: string, slug: string) => `${tenantKey(tenantId)}#KBP#SLUG#${slug}`,
  /** Which article holds a slug in a locale (draft or not), written in the same transaction as the article. */
  slug: (tenantId: string, locale: string, slug: string) => ({ PK: `${tenantKey(tenantId)}#KBSLUG#${locale}#${slug}`, SK: 'U' }),
  /** A search term of an article in an index: one partition per tenant and index, prefix queries on SK. */
  term: (tenantId: string, index: TermIndex, term: string, articleId: string) => ({
    PK: `${tenantKey(tenantId)}#KBS#${index}`,
    SK: `${term}#${articleId}`,
  }),
  termPartition: (tenantId: string, index: TermIndex) => `${tenantKey(tenantId)}#KBS#${index}`,
  /** An article's figures of one day (views, feedback, deflections; UpdateItem ADD); a day of a tenant is one Query. */
  dayFigures: (tenantId: string, day: string, articleId: string) => ({ PK: `${tenantKey(tenantId)}#KBDAY#${day}`, SK: articleId }),
  dayPartition: (tenantId: string, day: string) => `${tenantKey(tenantId)}#KBDAY#${day}`,
  /** A feedback comment, in the article's partition, newest first by id. */
  comment: (tenantId: string, articleId: string, id: string) => ({ PK: articlePartition(tenantId, articleId), SK: `FB#${id}` }),
  commentPrefix: 'FB#',
  /** The one feedback a session may give an article. */
  feedbackGuard: (tenantId: string, articleId: string, sessionId: string) => ({
    PK: articlePartition(tenantId, articleId),
    SK: `FBS#${sessionId}`,
  }),
  /** A visitor's search session: when it started, the contact when known, the articles viewed. */
  session: (tenantId: string, sessionId: string) => ({ PK: `${tenantKey(tenantId)}#KBSS#${sessionId}`, SK: 'S' }),
  /** A ticket a contact opened (from ticket.created), by time: "did they open one in the window" is one Query. */
  contactTicket: (tenantId: string, contactId: string, at: string, ticketId: string) => ({
    PK: `${tenantKey(tenantId)}#KBCT#${contactId}`,
    SK: `${at}#${ticketId}`,
  }),
  contactTicketPartition: (tenantId: string, contactId: string) => `${tenantKey(tenantId)}#KBCT#${contactId}`,
} as const;

const expiresAfterDays = (at: string, days: number) => Math.floor(Date.parse(at) / 1000) + days * 86_400;

export const categoryItem = (tenantId: string, c: Category) => ({
  ...knowledgeKeys.category(tenantId, c.id),
  ...knowledgeKeys.categoryList(tenantId, c.id),
  entity: knowledgeEntities.category,
  ...c,
});

export const articleItem = (tenantId: string, a: ArticleHead) => ({
  ...knowledgeKeys.article(tenantId, a.id),
  ...knowledgeKeys.articleList(tenantId, a.id),
  ...(a.categoryId ? knowledgeKeys.byCategory(tenantId, a.categoryId, a.id) : {}),
  entity: knowledgeEntities.article,
  ...a,
});

export const versionItem = (tenantId: string, v: ArticleVersion) => ({
  ...knowledgeKeys.version(tenantId, v.articleId, v.number),
  entity: knowledgeEntities.version,
  ...v,
});

export const publishedItem = (tenantId: string, p: PublicArticle) => ({
  ...knowledgeKeys.published(tenantId, p.articleId),
  ...knowledgeKeys.publishedList(tenantId, p.locale, p.articleId),
  ...knowledgeKeys.publishedAll(tenantId, p.articleId),
  ...knowledgeKeys.publishedSlug(tenantId, p.slug, p.locale),
  entity: knowledgeEntities.published,
  ...p,
});

export const slugItem = (tenantId: string, locale: string, slug: string, articleId: string) => ({
  ...knowledgeKeys.slug(tenantId, locale, slug),
  entity: knowledgeEntities.slug,
  articleId,
});

export const termItem = (tenantId: string, index: TermIndex, term: string, articleId: string) => ({
  ...knowledgeKeys.term(tenantId, index, term, articleId),
  entity: knowledgeEntities.term,
  articleId,
});

export const commentItem = (tenantId: string, c: FeedbackComment) => ({
  ...knowledgeKeys.comment(tenantId, c.articleId, c.id),
  entity: knowledgeEntities.comment,
  ...c,
});

export const feedbackGuardItem = (tenantId: string, articleId: string, sessionId: string, at: string) => ({
  ...knowledgeKeys.feedbackGuard(tenantId, articleId, sessionId),
  entity: knowledgeEntities.feedbackGuard,
  at,
});

export const contactTicketItem = (tenantId: string, contactId: string, at: string, ticketId: string) => ({
  ...knowledgeKeys.contactTicket(tenantId, contactId, at, ticketId),
  entity: knowledgeEntities.contactTicket,
  ticketId,
  expiresAt: expiresAfterDays(at, sessionDays),
});

export const sessionExpiry = (startedAt: string) => expiresAfterDays(startedAt, sessionDays);

export type DayCounter = keyof Omit<DayFigures, 'articleId'>;
