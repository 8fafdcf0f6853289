import type { DayCounter } from '../../../functions/knowledge/items.ts';
import {
  type FilteredPage,
  type KnowledgeConflict,
  type KnowledgeRepository,
  maxSessionViews,
  type Page,
  type SearchSession,
} from '../../../functions/knowledge/repository.ts';
import type {
  ArticleHead,
  ArticleVersion,
  Category,
  DayFigures,
  FeedbackComment,
  PublicArticle,
} from '../../../functions/knowledge/schemas.ts';
import { standsFor, type TermQuery } from '../../../functions/knowledge/terms.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';

const copy = <T>(value: T): T => structuredClone(value);
const maxTransactionItems = 100;

/**
 * The knowledge repository in memory, with the real one's conditions (head version, slug guard, category
 * existence and counts, one feedback per session, a session counted once), its term indexes as sorted
 * entries, and pages of `limit` accepted results whose cursor resumes after the last entry taken.
 */
export const fakeKnowledgeRepository = () => {
  const categories = new Map<string, Category>();
  const categoryCounts = new Map<string, number>();
  const heads = new Map<string, ArticleHead>();
  const versions = new Map<string, ArticleVersion>();
  const published = new Map<string, PublicArticle>();
  const slugs = new Map<string, string>();
  /** `${tenant}|${index}` → SK (`term#articleId`) → articleId */
  const terms = new Map<string, Map<string, string>>();
  const figures = new Map<string, DayFigures>();
  const comments = new Map<string, FeedbackComment[]>();
  const feedbackGuards = new Set<string>();
  const sessions = new Map<string, SearchSession>();
  const contactTickets = new Map<string, string[]>();
  const events: DomainEvent[] = [];
  /** Items each article transaction wrote, to hold it to DynamoDB's 100-item limit. */
  const transactionSizes: number[] = [];
  const k = (...parts: (string | number)[]) => parts.join('|');
  const fail = (...reasons: KnowledgeConflict[]) => {
    throw new WriteConflict<KnowledgeConflict>(reasons[0]!, reasons);
  };
  const index = (tenantId: string, i: 'S' | 'P') => {
    const key = k(tenantId, i);
    if (!terms.has(key)) terms.set(key, new Map());
    return terms.get(key)!;
  };
  const minus = (xs: readonly string[], ys: readonly string[]) => xs.filter((x) => !ys.includes(x));
  const sortedByKey = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const pageOf = <T>(all: T[], { limit, cursor }: { limit: number; cursor?: string }): Page<T> => {
    const start = cursor ? Number(cursor) : 0;
    return { items: all.slice(start, start + limit).map(copy), nextCursor: start + limit < all.length ? String(start + limit) : undefined };
  };

  /** Walks sorted entries from the cursor, keeping accepted results until `limit`; the cursor is the next entry's position. */
  const acceptedPage = <E, T>(entries: E[], page: FilteredPage, resolve: (e: E) => T | undefined): Page<T> => {
    const items: T[] = [];
    let i = page.cursor ? Number(page.cursor) : 0;
    for (; i < entries.length && items.length < page.limit; i++) {
      const hit = resolve(entries[i]!);
      if (hit !== undefined) items.push(copy(hit));
    }
    return { items, nextCursor: i < entries.length ? String(i) : undefined };
  };

  const search = <T extends { terms: string[] }>(
    tenantId: string,
    i: 'S' | 'P',
    query: TermQuery,
    lookup: (id: string) => T | undefined,
    accept: (t: T) => boolean,
    page: FilteredPage,
  ) => {
    const entries = sortedByKey([...index(tenantId, i)].filter(([sk]) => sk.startsWith(query.primary)));
    return acceptedPage(entries, page, ([sk, id]) => {
      const hit = lookup(id);
      return hit && standsFor(query, sk.slice(0, -(id.length + 1)), hit.terms) && accept(hit) ? hit : undefined;
    });
  };

  const tenantOnly = <T>(map: Map<string, T>, tenantId: string) =>
    sortedByKey([...map].filter(([key]) => key.startsWith(`${tenantId}|`))).map(([, v]) => v);

  const repo: KnowledgeRepository = {
    getCategory: async (tenantId, id) => copy(categories.get(k(tenantId, id))),
    listCategories: async (tenantId, page) => pageOf(tenantOnly(categories, tenantId), page),
    async saveCategory(tenantId, before, after, event) {
      const stored = categories.get(k(tenantId, after.id));
      if (before ? stored?.version !== before.version : stored) fail('VERSION');
      categories.set(k(tenantId, after.id), copy(after));
      events.push(event);
    },
    async deleteCategory(tenantId, c, event) {
      const failed: KnowledgeConflict[] = [];
      if (categories.get(k(tenantId, c.id))?.version !== c.version) failed.push('VERSION');
      if ((categoryCounts.get(k(tenantId, c.id)) ?? 0) !== 0) failed.push('IN_USE');
      if (failed.length) fail(...failed);
      categories.delete(k(tenantId, c.id));
      categoryCounts.delete(k(tenantId, c.id));
      events.push(event);
    },

    getArticle: async (tenantId, id) => copy(heads.get(k(tenantId, id))),
    getVersions: async (tenantId, id, numbers) =>
      numbers.flatMap((n) => {
        const v = versions.get(k(tenantId, id, n));
        return v ? [copy(v)] : [];
      }),
    listVersions: async (tenantId, id, page) =>
      pageOf(
        tenantOnly(versions, tenantId)
          .filter((v) => v.articleId === id)
          .sort((a, b) => b.number - a.number),
        page,
      ),

    async saveArticle(tenantId, write, written) {
      const { before, after } = write;
      const failed: KnowledgeConflict[] = [];
      const stored = heads.get(k(tenantId, after.id));
      if (before ? stored?.version !== before.version : stored) failed.push('VERSION');
      if (write.created && versions.has(k(tenantId, after.id, write.created.number))) failed.push('VERSION');
      const slugMoves = !before || before.slug !== after.slug || before.locale !== after.locale;
      const holder = slugs.get(k(tenantId, after.locale, after.slug));
      if (slugMoves && holder !== undefined) failed.push('SLUG');
      const categoryMoves = before?.categoryId !== after.categoryId;
      if (categoryMoves && after.categoryId && !categories.has(k(tenantId, after.categoryId))) failed.push('CATEGORY');
      if (failed.length) fail(...failed);

      const staffOut = minus(before?.terms ?? [], after.terms);
      const staffIn = minus(after.terms, before?.terms ?? []);
      const publicOut = minus(before?.publicTerms ?? [], after.publicTerms);
      const publicIn = minus(after.publicTerms, before?.publicTerms ?? []);
      const size =
        1 +
        (write.created ? 1 : 0) +
        (write.changed?.length ?? 0) +
        (slugMoves ? (before ? 2 : 1) : 0) +
        (categoryMoves ? (before?.categoryId ? 1 : 0) + (after.categoryId ? 2 : 0) : 0) +
        (write.public ? 1 : 0) +
        staffOut.length +
        staffIn.length +
        publicOut.length +
        publicIn.length +
        written.length;
      if (size > maxTransactionItems) throw new Error(`a transaction of ${size} items exceeds DynamoDB's ${maxTransactionItems}`);
      transactionSizes.push(size);

      heads.set(k(tenantId, after.id), copy(after));
      if (write.created) versions.set(k(tenantId, after.id, write.created.number), copy(write.created));
      for (const v of write.changed ?? []) versions.set(k(tenantId, after.id, v.number), copy(v));
      if (slugMoves) {
        if (before) slugs.delete(k(tenantId, before.locale, before.slug));
        slugs.set(k(tenantId, after.locale, after.slug), after.id);
      }
      if (categoryMoves) {
        if (before?.categoryId)
          categoryCounts.set(k(tenantId, before.categoryId), (categoryCounts.get(k(tenantId, before.categoryId)) ?? 0) - 1);
        if (after.categoryId)
          categoryCounts.set(k(tenantId, after.categoryId), (categoryCounts.get(k(tenantId, after.categoryId)) ?? 0) + 1);
      }
      for (const t of staffOut) index(tenantId, 'S').delete(`${t}#${after.id}`);
      for (const t of staffIn) index(tenantId, 'S').set(`${t}#${after.id}`, after.id);
      for (const t of publicOut) index(tenantId, 'P').delete(`${t}#${after.id}`);
      for (const t of publicIn) index(tenantId, 'P').set(`${t}#${after.id}`, after.id);
      if (write.public) {
        if (write.public.after) published.set(k(tenantId, after.id), copy(write.public.after));
        else published.delete(k(tenantId, after.id));
      }
      events.push(...written);
    },

    listArticles: async (tenantId, categoryId, accept, page) =>
      acceptedPage(
        tenantOnly(heads, tenantId).filter((a) => !categoryId || a.categoryId === categoryId),
        page,
        (a) => (accept(a) ? a : undefined),
      ),
    searchArticles: async (tenantId, query, accept, page) => search(tenantId, 'S', query, (id) => heads.get(k(tenantId, id)), accept, page),
    getPublished: async (tenantId, articleId) => copy(published.get(k(tenantId, articleId))),
    async publishedBySlug(tenantId, slug, locale) {
      if (locale) {
        const id = slugs.get(k(tenantId, locale, slug));
        return id ? copy(published.get(k(tenantId, id))) : undefined;
      }
      return copy(
        tenantOnly(published, tenantId)
          .filter((p) => p.slug === slug)
          .sort((a, b) => a.locale.localeCompare(b.locale))[0],
      );
    },
    listPublished: async (tenantId, locale, accept, page) =>
      acceptedPage(
        tenantOnly(published, tenantId)
          .filter((p) => !locale || p.locale === locale)
          .sort((a, b) => a.articleId.localeCompare(b.articleId)),
        page,
        (p) => (accept(p) ? p : undefined),
      ),
    searchPublished: async (tenantId, query, accept, page) =>
      search(tenantId, 'P', query, (id) => published.get(k(tenantId, id)), accept, page),
    articleHeads: async (tenantId, ids) => ids.flatMap((id) => (heads.has(k(tenantId, id)) ? [copy(heads.get(k(tenantId, id))!)] : [])),

    async addFigure(tenantId, day, articleId, counter) {
      bump(tenantId, day, articleId, counter);
    },
    figuresOf: async (tenantId, day) =>
      [...figures.entries()].filter(([key]) => key.startsWith(k(tenantId, day, ''))).map(([, f]) => copy(f)),
    async recordFeedback(tenantId, f, event) {
      if (f.sessionId && feedbackGuards.has(k(tenantId, f.articleId, f.sessionId))) fail('DUPLICATE');
      bump(tenantId, f.day, f.articleId, f.helpful ? 'helpful' : 'unhelpful');
      if (f.sessionId) feedbackGuards.add(k(tenantId, f.articleId, f.sessionId));
      if (f.comment) comments.set(k(tenantId, f.articleId), [copy(f.comment), ...(comments.get(k(tenantId, f.articleId)) ?? [])]);
      events.push(event);
    },
    listComments: async (tenantId, articleId, page) => pageOf(comments.get(k(tenantId, articleId)) ?? [], page),

    async touchSession(tenantId, sessionId, contactId, now) {
      const s = sessions.get(k(tenantId, sessionId));
      if (s) {
        s.searches++;
        s.contactId ??= contactId;
        return false;
      }
      sessions.set(k(tenantId, sessionId), { sessionId, startedAt: now, viewed: [], searches: 1, ...(contactId && { contactId }) });
      return true;
    },
    async addSessionView(tenantId, sessionId, articleId) {
      const s = sessions.get(k(tenantId, sessionId));
      if (!s || s.countedAt || s.viewed.length >= maxSessionViews || s.viewed.includes(articleId)) return;
      s.viewed = [...s.viewed, articleId].sort();
    },
    getSession: async (tenantId, sessionId) => copy(sessions.get(k(tenantId, sessionId))),
    async countSession(tenantId, session, deflected, day, at, written) {
      const s = sessions.get(k(tenantId, session.sessionId));
      if (!s || s.countedAt) return false;
      s.countedAt = at;
      s.deflected = deflected;
      for (const articleId of deflected) bump(tenantId, day, articleId, 'deflections');
      events.push(...written);
      return true;
    },
    async recordContactTicket(tenantId, contactId, at, ticketId) {
      const key = k(tenantId, contactId);
      const marks = contactTickets.get(key) ?? [];
      if (!marks.includes(`${at}#${ticketId}`)) contactTickets.set(key, [...marks, `${at}#${ticketId}`].sort());
    },
    contactTicketBetween: async (tenantId, contactId, from, to) =>
      (contactTickets.get(k(tenantId, contactId)) ?? []).some((m) => m >= from && m <= `${to}~`),
  };

  function bump(tenantId: string, day: string, articleId: string, counter: DayCounter) {
    const key = k(tenantId, day, articleId);
    const f = figures.get(key) ?? { articleId, views: 0, helpful: 0, unhelpful: 0, deflections: 0 };
    f[counter]++;
    figures.set(key, f);
  }

  return {
    repo,
    events,
    transactionSizes,
    /** The term entries of an index, as DynamoDB would hold them (SK order). */
    termEntries: (tenantId: string, i: 'S' | 'P') => sortedByKey([...index(tenantId, i)]).map(([sk]) => sk),
    session: (tenantId: string, sessionId: string) => copy(sessions.get(k(tenantId, sessionId))),
  };
};
export type FakeKnowledge = ReturnType<typeof fakeKnowledgeRepository>;
