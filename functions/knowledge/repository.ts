import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { acceptedPage } from '../../shared/db/accepted-page.ts';
import { db } from '../../shared/db/client.ts';
import { isConditionFailed } from '../../shared/db/errors.ts';
import { getItem, getItems, listPage, type Page, type PageRequest, queryPage, queryPages, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import {
  atVersion,
  isWriteConflict,
  type Labelled,
  labelled,
  put,
  putNew,
  remove,
  type TransactItem,
  transact,
} from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import {
  articleItem,
  categoryItem,
  commentItem,
  contactTicketItem,
  type DayCounter,
  feedbackGuardItem,
  knowledgeEntities,
  knowledgeKeys,
  publishedItem,
  sessionExpiry,
  slugItem,
  type TermIndex,
  termItem,
  versionItem,
} from './items.ts';
import type { ArticleHead, ArticleVersion, Category, DayFigures, FeedbackComment, PublicArticle } from './schemas.ts';
import { standsFor, type TermQuery } from './terms.ts';

export type { Page, PageRequest } from '../../shared/db/query.ts';

/** What a failed write collided with: a change meanwhile, a taken slug, a missing or used category, a repeated feedback. */
export type KnowledgeConflict = 'VERSION' | 'SLUG' | 'CATEGORY' | 'IN_USE' | 'DUPLICATE';

/** One change of an article, written in one transaction with its events. */
export interface ArticleWrite {
  /** Absent when the article is created. */
  before?: ArticleHead;
  after: ArticleHead;
  /** A new version (must not exist yet). */
  created?: ArticleVersion;
  /** Versions whose status or content changed. */
  changed?: ArticleVersion[];
  /** Given when the public copy changes: what it becomes (absent: the article is no longer public). */
  public?: { after?: PublicArticle };
}

export interface SearchSession {
  sessionId: string;
  startedAt: string;
  contactId?: string;
  viewed: string[];
  searches: number;
  /** Set once the session's timer has counted it (deflected or not). */
  countedAt?: string;
  deflected?: string[];
}

/** A listing's page: `filterKey` names the filters, so a cursor resumes only the listing that made it. */
export type FilteredPage = PageRequest & { filterKey: string };

export interface FeedbackWrite {
  articleId: string;
  helpful: boolean;
  day: string;
  at: string;
  sessionId?: string;
  comment?: FeedbackComment;
}

/** DynamoDB access of the knowledge context. Writes throw `WriteConflict<KnowledgeConflict>`. */
export interface KnowledgeRepository {
  getCategory(tenantId: string, id: string, consistent?: boolean): Promise<Category | undefined>;
  listCategories(tenantId: string, page: PageRequest): Promise<Page<Category>>;
  /** Creates (`before` absent) or replaces at `before.version` (else `VERSION`). */
  saveCategory(tenantId: string, before: Category | undefined, after: Category, event: DomainEvent): Promise<void>;
  /** Deletes at `c.version` (else `VERSION`) when no article is filed in it (else `IN_USE`). */
  deleteCategory(tenantId: string, c: Category, event: DomainEvent): Promise<void>;

  getArticle(tenantId: string, id: string, consistent?: boolean): Promise<ArticleHead | undefined>;
  /** `consistent` for a write's reads: the version a change builds on must be the one the head names. */
  getVersions(tenantId: string, id: string, numbers: number[], consistent?: boolean): Promise<ArticleVersion[]>;
  /** An article's versions, newest first. */
  listVersions(tenantId: string, id: string, page: PageRequest): Promise<Page<ArticleVersion>>;
  /**
   * The head (created, or at `before.version` else `VERSION`), versions, slug guard (`SLUG` when taken),
   * category counts (`CATEGORY` when the category does not exist), the public copy, the terms of both indexes
   * that differ between `before` and `after` (`terms`, `publicTerms`), and the events, in one transaction.
   */
  saveArticle(tenantId: string, write: ArticleWrite, events: DomainEvent[]): Promise<void>;
  /** Staff listing: every article, or a category's, that `accept` takes. */
  listArticles(
    tenantId: string,
    categoryId: string | undefined,
    accept: (a: ArticleHead) => boolean,
    page: FilteredPage,
  ): Promise<Page<ArticleHead>>;
  /** Staff search: articles whose newest version matches. */
  searchArticles(tenantId: string, query: TermQuery, accept: (a: ArticleHead) => boolean, page: FilteredPage): Promise<Page<ArticleHead>>;
  getPublished(tenantId: string, articleId: string): Promise<PublicArticle | undefined>;
  /** The published article a slug names in `locale`, or in the first locale it is published in. */
  publishedBySlug(tenantId: string, slug: string, locale?: string): Promise<PublicArticle | undefined>;
  listPublished(
    tenantId: string,
    locale: string | undefined,
    accept: (a: PublicArticle) => boolean,
    page: FilteredPage,
  ): Promise<Page<PublicArticle>>;
  searchPublished(
    tenantId: string,
    query: TermQuery,
    accept: (a: PublicArticle) => boolean,
    page: FilteredPage,
  ): Promise<Page<PublicArticle>>;
  articleHeads(tenantId: string, ids: string[]): Promise<ArticleHead[]>;

  /** One UpdateItem ADD on the article's figures of the day. */
  addFigure(tenantId: string, day: string, articleId: string, counter: DayCounter): Promise<void>;
  figuresOf(tenantId: string, day: string): Promise<DayFigures[]>;
  /** The count, the comment if any and the session's guard (`DUPLICATE` when it already answered) and the event, at once. */
  recordFeedback(tenantId: string, feedback: FeedbackWrite, event: DomainEvent): Promise<void>;
  listComments(tenantId: string, articleId: string, page: PageRequest): Promise<Page<FeedbackComment>>;

  /** Starts the session (true) or counts one more search in it (false); a contact given later is kept. */
  touchSession(tenantId: string, sessionId: string, contactId: string | undefined, now: string): Promise<boolean>;
  /** Adds an article to a running session's views (at most `maxSessionViews`); no-op for an unknown or counted session. */
  addSessionView(tenantId: string, sessionId: string, articleId: string): Promise<void>;
  getSession(tenantId: string, sessionId: string): Promise<SearchSession | undefined>;
  /**
   * Marks the session counted, adds one deflection per article in `deflected` to the figures of `day`,
   * with the events, once: false when it was already counted.
   */
  countSession(
    tenantId: string,
    session: SearchSession,
    deflected: string[],
    day: string,
    at: string,
    events: DomainEvent[],
  ): Promise<boolean>;
  recordContactTicket(tenantId: string, contactId: string, at: string, ticketId: string): Promise<void>;
  /** Whether the contact opened a ticket at a time in [from, to]. */
  contactTicketBetween(tenantId: string, contactId: string, from: string, to: string): Promise<boolean>;
}

/** Articles a session's views keep, enough for any visit. */
export const maxSessionViews = 20;

type Item = Labelled<KnowledgeConflict>;
const version = (item: TransactItem): Item => labelled('VERSION', item);
const minus = (xs: readonly string[], ys: readonly string[]) => xs.filter((x) => !ys.includes(x));

const update = (
  Key: Record<string, unknown>,
  UpdateExpression: string,
  values: Record<string, unknown>,
  names?: Record<string, string>,
  ConditionExpression?: string,
): TransactItem => ({
  Update: {
    TableName: tableNameFromEnv(),
    Key,
    UpdateExpression,
    ExpressionAttributeValues: values,
    ExpressionAttributeNames: names,
    ConditionExpression,
  },
});

const countBy = (tenantId: string, categoryId: string, by: number) =>
  update(knowledgeKeys.categoryCount(tenantId, categoryId), 'SET entity = :e ADD articleCount :by', {
    ':e': knowledgeEntities.categoryCount,
    ':by': by,
  });

const categoryExists = (tenantId: string, categoryId: string): Item =>
  labelled('CATEGORY', {
    ConditionCheck: {
      TableName: tableNameFromEnv(),
      Key: knowledgeKeys.category(tenantId, categoryId),
      ConditionExpression: 'attribute_exists(PK)',
    },
  });

/** The term items of one index that differ between two term lists: removals and additions. */
const termChanges = (
  tenantId: string,
  index: TermIndex,
  articleId: string,
  before: readonly string[],
  after: readonly string[],
): Item[] => [
  ...minus(before, after).map((t) => version(remove(knowledgeKeys.term(tenantId, index, t, articleId)))),
  ...minus(after, before).map((t) => version(put(termItem(tenantId, index, t, articleId)))),
];

const termOf = (entry: Record<string, unknown>) => (entry.SK as string).slice(0, -((entry.articleId as string).length + 1));

const termQuery = (tenantId: string, index: TermIndex, query: TermQuery) => ({
  KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
  ExpressionAttributeValues: { ':pk': knowledgeKeys.termPartition(tenantId, index), ':prefix': query.primary },
});

const indexQuery = (index: 'GSI1' | 'GSI2' | 'GSI3', partition: string) => ({
  IndexName: index,
  KeyConditionExpression: `${index}PK = :pk`,
  ExpressionAttributeValues: { ':pk': partition },
});

const head = (item: Record<string, unknown> | undefined) => item && stripKeys<ArticleHead>(item);

/**
 * A page of search results: the index entries of the query's primary term, each resolved to its article
 * (one BatchGetItem per read) and kept when it is the entry standing for the article and `accept` takes it.
 */
const searchPage = async <T extends { terms: string[] }>(
  tenantId: string,
  index: TermIndex,
  query: TermQuery,
  page: FilteredPage,
  key: (id: string) => Record<string, unknown>,
  accept: (t: T) => boolean,
): Promise<Page<T>> =>
  acceptedPage(
    termQuery(tenantId, index, query),
    { ...page, scope: `${knowledgeKeys.termPartition(tenantId, index)}|${query.primary}|${page.filterKey}` },
    async (entries) => {
      const found = await getItems([...new Set(entries.map((e) => e.articleId as string))].map(key));
      const byId = new Map(found.map((i) => [(i.articleId ?? i.id) as string, stripKeys<T>(i)]));
      return entries.map((entry) => {
        const hit = byId.get(entry.articleId as string);
        return hit && standsFor(query, termOf(entry), hit.terms) && accept(hit) ? hit : undefined;
      });
    },
  );

export const knowledgeRepository: KnowledgeRepository = {
  async getCategory(tenantId, id, consistent = false) {
    const item = await getItem(knowledgeKeys.category(tenantId, id), consistent);
    return item && stripKeys<Category>(item);
  },

  listCategories: (tenantId, page) => listPage<Category>({ index: 'GSI1', partition: knowledgeKeys.categoryListPartition(tenantId) }, page),

  async saveCategory(tenantId, before, after, event) {
    const item = categoryItem(tenantId, after);
    await transact<KnowledgeConflict>(
      [version(before ? put(item, '#v = :v', { '#v': 'version' }, { ':v': before.version }) : putNew(item))],
      [event],
    );
  },

  async deleteCategory(tenantId, c, event) {
    await transact<KnowledgeConflict>(
      [
        version(remove(knowledgeKeys.category(tenantId, c.id), ...atVersion(c.version))),
        labelled(
          'IN_USE',
          remove(knowledgeKeys.categoryCount(tenantId, c.id), 'attribute_not_exists(PK) OR articleCount = :zero', { ':zero': 0 }),
        ),
      ],
      [event],
    );
  },

  getArticle: async (tenantId, id, consistent = false) => head(await getItem(knowledgeKeys.article(tenantId, id), consistent)),

  async getVersions(tenantId, id, numbers, consistent = false) {
    const keys = numbers.map((n) => knowledgeKeys.version(tenantId, id, n));
    const items = consistent
      ? (await Promise.all(keys.map((key) => getItem(key, true)))).filter((i) => i !== undefined)
      : await getItems(keys);
    return items.map((i) => stripKeys<ArticleVersion>(i));
  },

  async listVersions(tenantId, id, page) {
    const partition = knowledgeKeys.articlePartition(tenantId, id);
    const out = await queryPage(
      {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :v)',
        ExpressionAttributeValues: { ':pk': partition, ':v': knowledgeKeys.versionPrefix },
        ScanIndexForward: false,
      },
      { ...page, scope: `${partition}|versions` },
    );
    return { items: out.items.map((i) => stripKeys<ArticleVersion>(i)), nextCursor: out.nextCursor };
  },

  async saveArticle(tenantId, write, events) {
    const { before, after } = write;
    const items: Item[] = [
      version(
        before
          ? put(articleItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version })
          : putNew(articleItem(tenantId, after)),
      ),
    ];
    if (write.created) items.push(version(putNew(versionItem(tenantId, write.created))));
    for (const v of write.changed ?? []) items.push(version(put(versionItem(tenantId, v))));
    if (!before || before.slug !== after.slug || before.locale !== after.locale) {
      if (before)
        items.push(version(remove(knowledgeKeys.slug(tenantId, before.locale, before.slug), 'articleId = :id', { ':id': after.id })));
      items.push(labelled('SLUG', putNew(slugItem(tenantId, after.locale, after.slug, after.id))));
    }
    if (before?.categoryId !== after.categoryId) {
      if (before?.categoryId) items.push(version(countBy(tenantId, before.categoryId, -1)));
      if (after.categoryId) items.push(categoryExists(tenantId, after.categoryId), version(countBy(tenantId, after.categoryId, 1)));
    }
    items.push(...termChanges(tenantId, 'S', after.id, before?.terms ?? [], after.terms));
    if (write.public) {
      if (write.public.after) items.push(version(put(publishedItem(tenantId, write.public.after))));
      else items.push(version(remove(knowledgeKeys.published(tenantId, after.id))));
    }
    items.push(...termChanges(tenantId, 'P', after.id, before?.publicTerms ?? [], after.publicTerms));
    await transact<KnowledgeConflict>(items, events);
  },

  async listArticles(tenantId, categoryId, accept, page) {
    const partition = categoryId ? knowledgeKeys.byCategoryPartition(tenantId, categoryId) : knowledgeKeys.articleListPartition(tenantId);
    const input = categoryId ? indexQuery('GSI2', partition) : indexQuery('GSI1', partition);
    return acceptedPage(input, { ...page, scope: `${partition}|${page.filterKey}` }, async (items) =>
      items.map((i) => stripKeys<ArticleHead>(i)).map((a) => (accept(a) ? a : undefined)),
    );
  },

  searchArticles: (tenantId, query, accept, page) =>
    searchPage<ArticleHead>(tenantId, 'S', query, page, (id) => knowledgeKeys.article(tenantId, id), accept),

  async getPublished(tenantId, articleId) {
    const item = await getItem(knowledgeKeys.published(tenantId, articleId));
    return item && stripKeys<PublicArticle>(item);
  },

  async publishedBySlug(tenantId, slug, locale) {
    if (locale) {
      const guard = await getItem(knowledgeKeys.slug(tenantId, locale, slug));
      return guard ? this.getPublished(tenantId, guard.articleId as string) : undefined;
    }
    const out = await db().send(
      new QueryCommand({
        TableName: tableNameFromEnv(),
        ...indexQuery('GSI2', knowledgeKeys.publishedSlugPartition(tenantId, slug)),
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item && stripKeys<PublicArticle>(item);
  },

  async listPublished(tenantId, locale, accept, page) {
    const partition = locale ? knowledgeKeys.publishedListPartition(tenantId, locale) : knowledgeKeys.publishedAllPartition(tenantId);
    const input = locale ? indexQuery('GSI1', partition) : indexQuery('GSI3', partition);
    return acceptedPage(input, { ...page, scope: `${partition}|${page.filterKey}` }, async (items) =>
      items.map((i) => stripKeys<PublicArticle>(i)).map((a) => (accept(a) ? a : undefined)),
    );
  },

  searchPublished: (tenantId, query, accept, page) =>
    searchPage<PublicArticle>(tenantId, 'P', query, page, (id) => knowledgeKeys.published(tenantId, id), accept),

  async articleHeads(tenantId, ids) {
    return (await getItems(ids.map((id) => knowledgeKeys.article(tenantId, id)))).map((i) => stripKeys<ArticleHead>(i));
  },

  async addFigure(tenantId, day, articleId, counter) {
    await db().send(
      new UpdateCommand({
        TableName: tableNameFromEnv(),
        Key: knowledgeKeys.dayFigures(tenantId, day, articleId),
        UpdateExpression: 'SET entity = :e, articleId = :a ADD #c :one',
        ExpressionAttributeNames: { '#c': counter },
        ExpressionAttributeValues: { ':e': knowledgeEntities.dayFigures, ':a': articleId, ':one': 1 },
      }),
    );
  },

  async figuresOf(tenantId, day) {
    const all: DayFigures[] = [];
    for await (const items of queryPages({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': knowledgeKeys.dayPartition(tenantId, day) },
    }))
      for (const i of items)
        all.push({
          articleId: i.articleId as string,
          views: Number(i.views ?? 0),
          helpful: Number(i.helpful ?? 0),
          unhelpful: Number(i.unhelpful ?? 0),
          deflections: Number(i.deflections ?? 0),
        });
    return all;
  },

  async recordFeedback(tenantId, f, event) {
    const counter: DayCounter = f.helpful ? 'helpful' : 'unhelpful';
    await transact<KnowledgeConflict>(
      [
        labelled(
          'VERSION',
          update(
            knowledgeKeys.dayFigures(tenantId, f.day, f.articleId),
            'SET entity = :e, articleId = :a ADD #c :one',
            {
              ':e': knowledgeEntities.dayFigures,
              ':a': f.articleId,
              ':one': 1,
            },
            { '#c': counter },
          ),
        ),
        ...(f.sessionId ? [labelled('DUPLICATE' as const, putNew(feedbackGuardItem(tenantId, f.articleId, f.sessionId, f.at)))] : []),
        ...(f.comment ? [version(putNew(commentItem(tenantId, f.comment)))] : []),
      ],
      [event],
    );
  },

  async listComments(tenantId, articleId, page) {
    const partition = knowledgeKeys.articlePartition(tenantId, articleId);
    const out = await queryPage(
      {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :fb)',
        ExpressionAttributeValues: { ':pk': partition, ':fb': knowledgeKeys.commentPrefix },
        ScanIndexForward: false,
      },
      { ...page, scope: `${partition}|comments` },
    );
    return { items: out.items.map((i) => stripKeys<FeedbackComment>(i)), nextCursor: out.nextCursor };
  },

  async touchSession(tenantId, sessionId, contactId, now) {
    const out = await db().send(
      new UpdateCommand({
        TableName: tableNameFromEnv(),
        Key: knowledgeKeys.session(tenantId, sessionId),
        UpdateExpression: `SET entity = :e, sessionId = :s, startedAt = if_not_exists(startedAt, :now), expiresAt = if_not_exists(expiresAt, :x)${
          contactId ? ', contactId = if_not_exists(contactId, :c)' : ''
        } ADD searches :one`,
        ExpressionAttributeValues: {
          ':e': knowledgeEntities.session,
          ':s': sessionId,
          ':now': now,
          ':x': sessionExpiry(now),
          ':one': 1,
          ...(contactId ? { ':c': contactId } : {}),
        },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return out.Attributes?.startedAt === undefined;
  },

  async addSessionView(tenantId, sessionId, articleId) {
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableNameFromEnv(),
          Key: knowledgeKeys.session(tenantId, sessionId),
          UpdateExpression: 'ADD viewed :a',
          ConditionExpression:
            'attribute_exists(PK) AND attribute_not_exists(countedAt) AND (attribute_not_exists(viewed) OR size(viewed) < :max)',
          ExpressionAttributeValues: { ':a': new Set([articleId]), ':max': maxSessionViews },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  },

  async getSession(tenantId, sessionId) {
    const item = await getItem(knowledgeKeys.session(tenantId, sessionId), true);
    if (!item) return undefined;
    const s = stripKeys<Omit<SearchSession, 'viewed'> & { viewed?: Set<string> }>(item);
    return { ...s, viewed: [...(s.viewed ?? [])].sort(), searches: Number(s.searches ?? 0) };
  },

  async countSession(tenantId, session, deflected, day, at, events) {
    try {
      await transact<KnowledgeConflict>(
        [
          version(
            update(
              knowledgeKeys.session(tenantId, session.sessionId),
              'SET countedAt = :at, deflected = :d',
              { ':at': at, ':d': deflected },
              undefined,
              'attribute_exists(PK) AND attribute_not_exists(countedAt)',
            ),
          ),
          ...deflected.map((articleId) =>
            version(
              update(knowledgeKeys.dayFigures(tenantId, day, articleId), 'SET entity = :e, articleId = :a ADD deflections :one', {
                ':e': knowledgeEntities.dayFigures,
                ':a': articleId,
                ':one': 1,
              }),
            ),
          ),
        ],
        events,
      );
      return true;
    } catch (error) {
      if (isWriteConflict<KnowledgeConflict>(error, 'VERSION')) return false;
      throw error;
    }
  },

  async recordContactTicket(tenantId, contactId, at, ticketId) {
    await db().send(new PutCommand({ TableName: tableNameFromEnv(), Item: contactTicketItem(tenantId, contactId, at, ticketId) }));
  },

  async contactTicketBetween(tenantId, contactId, from, to) {
    const out = await db().send(
      new QueryCommand({
        TableName: tableNameFromEnv(),
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': knowledgeKeys.contactTicketPartition(tenantId, contactId), ':from': from, ':to': `${to}~` },
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return (out.Items?.length ?? 0) > 0;
  },
};
