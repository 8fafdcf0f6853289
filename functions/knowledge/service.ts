import { createHash } from 'node:crypto';
import { isWriteConflict } from '../../shared/db/transact.ts';
import { changedFields } from '../../shared/domain/patch.ts';
import { conflict, notFound, preconditionFailed, unprocessable } from '../../shared/errors.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { scheduler } from '../../shared/ports/scheduler.ts';
import { retry } from '../../shared/retry.ts';
import { deflectionWindowMs } from './items.ts';
import type { ArticleWrite, KnowledgeConflict, KnowledgeRepository, Page, PageRequest } from './repository.ts';
import type { knowledgeRoutes } from './routes.ts';
import type { ArticleHead, ArticleVersion, ArticleView, Category, DayFigures, PublicArticle, PublicHit } from './schemas.ts';
import { articleTerms, matchesQuery, parseQuery } from './terms.ts';

const writeAttempts = 5;
const excerptChars = 200;

type Content = Pick<ArticleVersion, 'title' | 'body' | 'tags'>;
export interface NewArticle extends Omit<Content, 'tags'> {
  locale: string;
  slug: string;
  categoryId?: string;
  tags?: string[];
}
export interface ArticlePatch {
  slug?: string;
  title?: string;
  body?: string;
  tags?: string[];
  categoryId?: string | null;
}
export interface PublicSearch extends PageRequest {
  q?: string;
  locale?: string;
}

/** The job a search session's timer carries to scheduled.ts. */
export interface DeflectionJob {
  kind: 'deflection';
  tenantId: string;
  sessionId: string;
}

/** A locale filter takes the locale itself and its regional forms: zh takes zh-CN and zh-TW. */
export const localeMatches = (filter: string | undefined, locale: string) =>
  !filter || locale === filter || locale.startsWith(`${filter}-`);

/** Stable and within EventBridge Scheduler's name rules whatever the tenant and session ids are. */
export const deflectionJobName = (tenantId: string, sessionId: string) =>
  `kb-deflect-${createHash('sha256').update(`${tenantId}\n${sessionId}`).digest('hex').slice(0, 40)}`;

/** Plain text of a Markdown body, cut to a short excerpt for search results. */
export const excerptOf = (body: string) => {
  const text = body
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#>*_`~|]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...text];
  return chars.length > excerptChars ? `${chars.slice(0, excerptChars).join('')}…` : text;
};

const viewOfHead = (a: ArticleHead) => {
  const { terms: _terms, publicTerms: _publicTerms, ...shown } = a;
  return shown;
};
const viewOfPublic = (p: PublicArticle) => {
  const { terms: _terms, ...shown } = p;
  return shown;
};
const hitOf = (p: PublicArticle): PublicHit => {
  const { terms: _terms, body, ...rest } = p;
  return { ...rest, excerpt: excerptOf(body) };
};

const articleData = (a: ArticleHead) => ({
  articleId: a.id,
  locale: a.locale,
  slug: a.slug,
  title: a.title,
  status: a.status,
  categoryId: a.categoryId,
  tags: a.tags,
  draftNumber: a.draftNumber,
  publishedNumber: a.publishedNumber,
});

const publicCopy = (a: ArticleHead, v: ArticleVersion, terms: string[]): PublicArticle => ({
  articleId: a.id,
  locale: a.locale,
  slug: a.slug,
  ...(a.categoryId && { categoryId: a.categoryId }),
  number: v.number,
  title: v.title,
  body: v.body,
  tags: v.tags,
  publishedAt: v.publishedAt!,
  terms,
});

const withoutUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The rules of the knowledge base over its repository: what the routes, the API, the timer and the subscriber call. */
export const knowledgeCore = (repo: KnowledgeRepository) => {
  const now = () => clock().now().toISOString();

  const refuseCategory = (categoryId: string) =>
    unprocessable('the category does not exist', { errors: { 'body.categoryId': [`no category ${categoryId}`] } });
  const slugTaken = (slug: string, locale: string) =>
    conflict(`the slug ${slug} is already used in ${locale}`, { field: 'slug', errors: { 'body.slug': ['already used in this locale'] } });

  /** Writes an article change; `SLUG` and `CATEGORY` become 409 and 422. */
  const save = async (tenantId: string, write: ArticleWrite, events: DomainEvent[]) => {
    try {
      await repo.saveArticle(tenantId, write, events);
    } catch (error) {
      if (isWriteConflict<KnowledgeConflict>(error, 'SLUG')) throw slugTaken(write.after.slug, write.after.locale);
      if (isWriteConflict<KnowledgeConflict>(error, 'CATEGORY')) throw refuseCategory(write.after.categoryId!);
      throw error;
    }
  };

  /** Reads the head, checks If-Match, applies `change`; a lost race is retried on fresh data unless If-Match pinned the version. */
  const changeArticle = <T>(tenantId: string, id: string, ifMatch: number | undefined, change: (before: ArticleHead) => Promise<T>) =>
    retry(
      async () => {
        const before = await repo.getArticle(tenantId, id, true);
        if (!before) throw notFound('article');
        if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
        return change(before);
      },
      { attempts: writeAttempts, retryOn: (error) => ifMatch === undefined && isWriteConflict<KnowledgeConflict>(error, 'VERSION') },
    ).catch((error) => {
      if (isWriteConflict<KnowledgeConflict>(error, 'VERSION')) throw preconditionFailed();
      throw error;
    });

  const versionOf = async (tenantId: string, id: string, n: number): Promise<ArticleVersion> => {
    const [v] = await repo.getVersions(tenantId, id, [n], true);
    if (!v) throw new Error(`article ${id} lacks its version ${n}`);
    return v;
  };

  const view = async (tenantId: string, a: ArticleHead): Promise<ArticleView> => {
    const numbers = [a.draftNumber, a.publishedNumber].filter((n): n is number => n !== undefined);
    const versions = numbers.length ? await repo.getVersions(tenantId, a.id, numbers) : [];
    const draft = versions.find((v) => v.number === a.draftNumber);
    const published = versions.find((v) => v.number === a.publishedNumber);
    return { ...viewOfHead(a), ...(draft && { draft }), ...(published && { published }) };
  };

  const nextHead = (before: ArticleHead, by: string, at: string): ArticleHead => ({
    ...before,
    version: before.version + 1,
    updatedAt: at,
    updatedBy: by,
  });

  const categories = {
    async create(tenantId: string, body: Omit<Category, 'id' | 'version' | 'createdAt' | 'updatedAt'>): Promise<Category> {
      const at = now();
      const c: Category = withoutUndefined({ id: newId(), version: 1, ...body, createdAt: at, updatedAt: at });
      await repo.saveCategory(tenantId, undefined, c, domainEvent(tenantId, 'kb_category.created', { categoryId: c.id, name: c.name }));
      return c;
    },
    async get(tenantId: string, id: string): Promise<Category> {
      const c = await repo.getCategory(tenantId, id);
      if (!c) throw notFound('category');
      return c;
    },
    async update(tenantId: string, id: string, patch: Record<string, unknown>, ifMatch: number | undefined): Promise<Category> {
      return retry(
        async () => {
          const before = await repo.getCategory(tenantId, id, true);
          if (!before) throw notFound('category');
          if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
          const after: Record<string, unknown> = { ...before, version: before.version + 1, updatedAt: now() };
          for (const [k, v] of Object.entries(patch))
            if (v === null) delete after[k];
            else if (v !== undefined) after[k] = v;
          const changed = changedFields(before, after as Category);
          if (!changed.length) return before;
          await repo.saveCategory(
            tenantId,
            before,
            after as Category,
            domainEvent(tenantId, 'kb_category.updated', { categoryId: id, name: after.name as string, changed }),
          );
          return after as Category;
        },
        { attempts: writeAttempts, retryOn: (error) => ifMatch === undefined && isWriteConflict<KnowledgeConflict>(error, 'VERSION') },
      ).catch((error) => {
        if (isWriteConflict<KnowledgeConflict>(error, 'VERSION')) throw preconditionFailed();
        throw error;
      });
    },
    async remove(tenantId: string, id: string, ifMatch: number | undefined): Promise<void> {
      const c = await repo.getCategory(tenantId, id, true);
      if (!c) throw notFound('category');
      if (ifMatch !== undefined && ifMatch !== c.version) throw preconditionFailed();
      try {
        await repo.deleteCategory(tenantId, c, domainEvent(tenantId, 'kb_category.deleted', { categoryId: id, name: c.name }));
      } catch (error) {
        if (isWriteConflict<KnowledgeConflict>(error, 'IN_USE'))
          throw conflict('articles are filed in this category: move them to another one first');
        if (isWriteConflict<KnowledgeConflict>(error, 'VERSION')) throw preconditionFailed();
        throw error;
      }
    },
  };

  const articles = {
    async create(tenantId: string, input: NewArticle, by: string): Promise<ArticleView> {
      const at = now();
      const id = newId();
      const content = { title: input.title, body: input.body, tags: input.tags ?? [] };
      const v1: ArticleVersion = { articleId: id, number: 1, status: 'draft', ...content, createdAt: at, createdBy: by, updatedAt: at };
      const head: ArticleHead = withoutUndefined({
        id,
        version: 1,
        locale: input.locale,
        slug: input.slug,
        categoryId: input.categoryId,
        title: content.title,
        tags: content.tags,
        status: 'draft' as const,
        latestNumber: 1,
        draftNumber: 1,
        createdAt: at,
        createdBy: by,
        updatedAt: at,
        updatedBy: by,
        terms: articleTerms(content),
        publicTerms: [],
      });
      await save(tenantId, { after: head, created: v1 }, [domainEvent(tenantId, 'kb_article.created', articleData(head))]);
      return { ...viewOfHead(head), draft: v1 };
    },

    async get(tenantId: string, id: string): Promise<ArticleView> {
      const a = await repo.getArticle(tenantId, id);
      if (!a) throw notFound('article');
      return view(tenantId, a);
    },

    /** Slug and category change the article; title, body and tags the draft, made from the newest version when there is none. */
    update(tenantId: string, id: string, patch: ArticlePatch, ifMatch: number | undefined, by: string): Promise<ArticleView> {
      return changeArticle(tenantId, id, ifMatch, async (before) => {
        const at = now();
        const after = nextHead(before, by, at);
        if (patch.slug !== undefined) after.slug = patch.slug;
        if (patch.categoryId === null) delete after.categoryId;
        else if (patch.categoryId !== undefined) after.categoryId = patch.categoryId;
        const write: ArticleWrite = { before, after };
        const contentChanged: string[] = [];
        const editsContent = patch.title !== undefined || patch.body !== undefined || patch.tags !== undefined;
        if (editsContent) {
          const base = await versionOf(tenantId, id, before.draftNumber ?? before.latestNumber);
          const content: Content = { title: patch.title ?? base.title, body: patch.body ?? base.body, tags: patch.tags ?? base.tags };
          contentChanged.push(
            ...(['title', 'body', 'tags'] as const).filter((f) => JSON.stringify(content[f]) !== JSON.stringify(base[f])),
          );
          if (contentChanged.length) {
            const draft: ArticleVersion =
              base.status === 'draft'
                ? { ...base, ...content, updatedAt: at }
                : {
                    articleId: id,
                    number: before.latestNumber + 1,
                    status: 'draft',
                    ...content,
                    createdAt: at,
                    createdBy: by,
                    updatedAt: at,
                  };
            if (base.status === 'draft') write.changed = [draft];
            else write.created = draft;
            Object.assign(after, {
              title: draft.title,
              tags: draft.tags,
              draftNumber: draft.number,
              latestNumber: Math.max(before.latestNumber, draft.number),
            });
            after.terms = articleTerms(draft);
          }
        }
        const changed = [...(['slug', 'categoryId'] as const).filter((f) => before[f] !== after[f]), ...contentChanged];
        if (!changed.length) return view(tenantId, before);
        if (before.publishedNumber !== undefined && (after.slug !== before.slug || after.categoryId !== before.categoryId)) {
          const published = await versionOf(tenantId, id, before.publishedNumber);
          write.public = { after: publicCopy(after, published, after.publicTerms) };
        }
        await save(tenantId, write, [domainEvent(tenantId, 'kb_article.updated', { ...articleData(after), changed })]);
        return view(tenantId, after);
      });
    },

    /** The draft becomes the public version; the one public before is archived. */
    publish(tenantId: string, id: string, ifMatch: number | undefined, by: string): Promise<ArticleView> {
      return changeArticle(tenantId, id, ifMatch, async (before) => {
        if (before.draftNumber === undefined) throw conflict('the article has no draft to publish: change it first');
        const at = now();
        const draft = await versionOf(tenantId, id, before.draftNumber);
        const published: ArticleVersion = { ...draft, status: 'published', publishedAt: at, updatedAt: at };
        const changed = [published];
        if (before.publishedNumber !== undefined)
          changed.push({ ...(await versionOf(tenantId, id, before.publishedNumber)), status: 'archived', archivedAt: at, updatedAt: at });
        const after: ArticleHead = { ...nextHead(before, by, at), status: 'published', publishedNumber: draft.number, publishedAt: at };
        delete after.draftNumber;
        after.publicTerms = articleTerms(published);
        await save(tenantId, { before, after, changed, public: { after: publicCopy(after, published, after.publicTerms) } }, [
          domainEvent(tenantId, 'kb_article.published', { ...articleData(after), number: published.number, rollback: false }),
        ]);
        return view(tenantId, after);
      });
    },

    /** An older version becomes the public one again; the one public before is archived, a draft stays as it is. */
    rollback(tenantId: string, id: string, number: number, ifMatch: number | undefined, by: string): Promise<ArticleView> {
      return changeArticle(tenantId, id, ifMatch, async (before) => {
        if (number > before.latestNumber)
          throw unprocessable(`the article has no version ${number}`, { errors: { 'body.version': [`at most ${before.latestNumber}`] } });
        if (number === before.publishedNumber) throw conflict(`version ${number} is the published one`);
        if (number === before.draftNumber) throw conflict(`version ${number} is the draft: publish it instead`);
        const at = now();
        const target = await versionOf(tenantId, id, number);
        const { archivedAt: _archivedAt, ...kept } = target;
        const published: ArticleVersion = { ...kept, status: 'published', publishedAt: at, updatedAt: at };
        const changed = [published];
        if (before.publishedNumber !== undefined)
          changed.push({ ...(await versionOf(tenantId, id, before.publishedNumber)), status: 'archived', archivedAt: at, updatedAt: at });
        const after: ArticleHead = { ...nextHead(before, by, at), status: 'published', publishedNumber: number, publishedAt: at };
        after.publicTerms = articleTerms(published);
        await save(tenantId, { before, after, changed, public: { after: publicCopy(after, published, after.publicTerms) } }, [
          domainEvent(tenantId, 'kb_article.published', { ...articleData(after), number, rollback: true }),
        ]);
        return view(tenantId, after);
      });
    },

    /** Takes the published version off: the article leaves the public search and pages. */
    archive(tenantId: string, id: string, ifMatch: number | undefined, by: string): Promise<ArticleView> {
      return changeArticle(tenantId, id, ifMatch, async (before) => {
        if (before.publishedNumber === undefined) throw conflict('the article has no published version to archive');
        const at = now();
        const was = await versionOf(tenantId, id, before.publishedNumber);
        const after: ArticleHead = { ...nextHead(before, by, at), status: 'archived', publicTerms: [] };
        delete after.publishedNumber;
        await save(tenantId, { before, after, changed: [{ ...was, status: 'archived', archivedAt: at, updatedAt: at }], public: {} }, [
          domainEvent(tenantId, 'kb_article.archived', { ...articleData(after), number: was.number }),
        ]);
        return view(tenantId, after);
      });
    },

    async versions(tenantId: string, id: string, page: PageRequest): Promise<Page<ArticleVersion>> {
      if (!(await repo.getArticle(tenantId, id))) throw notFound('article');
      return repo.listVersions(tenantId, id, page);
    },

    /** Staff listing and search: every state; `q` searches the newest version of each article. */
    async list(
      tenantId: string,
      query: PageRequest & { q?: string; locale?: string; status?: string; categoryId?: string },
    ): Promise<Page<ReturnType<typeof viewOfHead>>> {
      const { limit, cursor, q, ...filters } = query;
      const terms = q?.trim() ? parseQuery(q) : undefined;
      if (q?.trim() && !terms) return { items: [] };
      const accept = (a: ArticleHead) =>
        localeMatches(filters.locale, a.locale) &&
        (!filters.status || a.status === filters.status) &&
        (!filters.categoryId || a.categoryId === filters.categoryId) &&
        (!terms || matchesQuery(terms, a.terms));
      const page = { limit, cursor, filterKey: JSON.stringify({ ...filters, q: terms?.terms }) };
      const found = terms
        ? await repo.searchArticles(tenantId, terms, accept, page)
        : await repo.listArticles(tenantId, filters.categoryId, accept, page);
      return { items: found.items.map(viewOfHead), nextCursor: found.nextCursor };
    },

    async comments(tenantId: string, id: string, page: PageRequest) {
      if (!(await repo.getArticle(tenantId, id))) throw notFound('article');
      return repo.listComments(tenantId, id, page);
    },
  };

  const publicSide = {
    /** Published articles only: `q` searches them, without it they are listed. */
    async search(tenantId: string, query: PublicSearch): Promise<Page<PublicHit>> {
      const terms = query.q === undefined || query.q.trim() === '' ? undefined : parseQuery(query.q);
      if (query.q?.trim() && !terms) return { items: [] };
      const accept = (p: PublicArticle) => localeMatches(query.locale, p.locale) && (!terms || matchesQuery(terms, p.terms));
      const page = { limit: query.limit, cursor: query.cursor, filterKey: JSON.stringify({ locale: query.locale, q: terms?.terms }) };
      // A filter locale with a region (zh-CN) has its own listing partition; a language (zh) spans its regions.
      const found = terms
        ? await repo.searchPublished(tenantId, terms, accept, page)
        : await repo.listPublished(tenantId, query.locale?.includes('-') ? query.locale : undefined, accept, page);
      return { items: found.items.map(hitOf), nextCursor: found.nextCursor };
    },

    async getPublished(tenantId: string, slug: string, locale?: string) {
      const p = await repo.publishedBySlug(tenantId, slug, locale);
      return p && viewOfPublic(p);
    },

    /** One view of the day (one UpdateItem ADD), and the article joins the session's views when a session is given. */
    async recordView(tenantId: string, articleId: string, sessionId?: string) {
      await repo.addFigure(tenantId, now().slice(0, 10), articleId, 'views');
      if (sessionId) await repo.addSessionView(tenantId, sessionId, articleId);
    },

    async recordFeedback(
      tenantId: string,
      input: { slug: string; locale?: string; helpful: boolean; comment?: string; sessionId?: string },
    ): Promise<{ articleId: string; helpful: boolean; recordedAt: string }> {
      const article = await repo.publishedBySlug(tenantId, input.slug, input.locale);
      if (!article) throw notFound('article');
      const at = now();
      const comment = input.comment
        ? { id: newId(), articleId: article.articleId, helpful: input.helpful, comment: input.comment, number: article.number, at }
        : undefined;
      try {
        await repo.recordFeedback(
          tenantId,
          { articleId: article.articleId, helpful: input.helpful, day: at.slice(0, 10), at, sessionId: input.sessionId, comment },
          domainEvent(tenantId, 'kb_article.feedback_received', {
            articleId: article.articleId,
            number: article.number,
            helpful: input.helpful,
            hasComment: !!comment,
          }),
        );
      } catch (error) {
        if (isWriteConflict<KnowledgeConflict>(error, 'DUPLICATE')) throw conflict('this session already gave feedback on the article');
        throw error;
      }
      return { articleId: article.articleId, helpful: input.helpful, recordedAt: at };
    },

    /** Starts a search session (its deflection timer with it) or counts one more search in it. */
    async recordSearchSession(tenantId: string, sessionId: string, contactId?: string) {
      const at = clock().now();
      const started = await repo.touchSession(tenantId, sessionId, contactId, at.toISOString());
      if (!started) return;
      const payload: DeflectionJob = { kind: 'deflection', tenantId, sessionId };
      await scheduler().schedule({
        name: deflectionJobName(tenantId, sessionId),
        at: new Date(at.getTime() + deflectionWindowMs),
        target: 'knowledge',
        payload,
      });
    },
  };

  /**
   * A session's timer, 24 h after its first search: each article viewed counts a deflection on the search's
   * day, unless the session's contact opened a ticket in those 24 h. Counted once, whatever the redeliveries.
   */
  const countDeflection = async (tenantId: string, sessionId: string): Promise<string[]> => {
    const session = await repo.getSession(tenantId, sessionId);
    if (!session || session.countedAt) return [];
    const until = new Date(Date.parse(session.startedAt) + deflectionWindowMs).toISOString();
    const ticketed = session.contactId ? await repo.contactTicketBetween(tenantId, session.contactId, session.startedAt, until) : false;
    const deflected = ticketed ? [] : session.viewed;
    const events = deflected.length
      ? [domainEvent(tenantId, 'kb_session.deflected', { sessionId, contactId: session.contactId, articleIds: deflected })]
      : [];
    const counted = await repo.countSession(tenantId, session, deflected, session.startedAt.slice(0, 10), now(), events);
    return counted ? deflected : [];
  };

  const ticketCreated = (tenantId: string, contactId: string, at: string, ticketId: string) =>
    repo.recordContactTicket(tenantId, contactId, at, ticketId);

  /** Per article figures of the days from..to, from the day counters (one Query per day), most viewed first. */
  const report = async (tenantId: string, from: string, to: string) => {
    const totals = new Map<string, DayFigures>();
    for (let day = from; day <= to; day = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10)) {
      for (const f of await repo.figuresOf(tenantId, day)) {
        const sum = totals.get(f.articleId) ?? { articleId: f.articleId, views: 0, helpful: 0, unhelpful: 0, deflections: 0 };
        sum.views += f.views;
        sum.helpful += f.helpful;
        sum.unhelpful += f.unhelpful;
        sum.deflections += f.deflections;
        totals.set(f.articleId, sum);
      }
    }
    const heads = new Map((await repo.articleHeads(tenantId, [...totals.keys()])).map((a) => [a.id, a]));
    const rate = (f: Omit<DayFigures, 'articleId'>) =>
      f.helpful + f.unhelpful ? { helpfulRate: Math.round((f.helpful / (f.helpful + f.unhelpful)) * 1000) / 1000 } : {};
    const items = [...totals.values()]
      .sort((a, b) => b.views - a.views || a.articleId.localeCompare(b.articleId))
      .map((f) => {
        const a = heads.get(f.articleId);
        return { ...f, ...rate(f), ...(a && { title: a.title, slug: a.slug, locale: a.locale }) };
      });
    const all = items.reduce(
      (s, f) => ({
        views: s.views + f.views,
        helpful: s.helpful + f.helpful,
        unhelpful: s.unhelpful + f.unhelpful,
        deflections: s.deflections + f.deflections,
      }),
      { views: 0, helpful: 0, unhelpful: 0, deflections: 0 },
    );
    return { from, to, totals: { ...all, ...rate(all) }, items };
  };

  return { categories, articles, public: publicSide, countDeflection, ticketCreated, report };
};
export type KnowledgeCore = ReturnType<typeof knowledgeCore>;

/** The routes' operations over the core. */
export const knowledgeService = (repo: KnowledgeRepository): ServiceFor<typeof knowledgeRoutes, RequestContext> => {
  const core = knowledgeCore(repo);
  return {
    createCategory: ({ body }, { tenantId }) => core.categories.create(tenantId, body),
    listCategories: ({ query }, { tenantId }) => repo.listCategories(tenantId, query),
    getCategory: ({ params }, { tenantId }) => core.categories.get(tenantId, params.id),
    updateCategory: ({ params, body, ifMatch }, { tenantId }) => core.categories.update(tenantId, params.id, body, ifMatch),
    deleteCategory: ({ params, ifMatch }, { tenantId }) => core.categories.remove(tenantId, params.id, ifMatch),
    createArticle: ({ body }, { tenantId, userId }) => core.articles.create(tenantId, body, userId),
    listArticles: ({ query }, { tenantId }) => core.articles.list(tenantId, query),
    getArticle: ({ params }, { tenantId }) => core.articles.get(tenantId, params.id),
    updateArticle: ({ params, body, ifMatch }, { tenantId, userId }) => core.articles.update(tenantId, params.id, body, ifMatch, userId),
    // These POSTs act on whatever the article is when they run (a lost race is retried on fresh data): no If-Match.
    publishArticle: ({ params }, { tenantId, userId }) => core.articles.publish(tenantId, params.id, undefined, userId),
    rollbackArticle: ({ params, body }, { tenantId, userId }) =>
      core.articles.rollback(tenantId, params.id, body.version, undefined, userId),
    archiveArticle: ({ params }, { tenantId, userId }) => core.articles.archive(tenantId, params.id, undefined, userId),
    listArticleVersions: ({ params, query }, { tenantId }) => core.articles.versions(tenantId, params.id, query),
    listArticleFeedback: ({ params, query }, { tenantId }) => core.articles.comments(tenantId, params.id, query),
    kbReport: ({ query }, { tenantId }) => core.report(tenantId, query.from, query.to),
    searchHelp: async ({ params, query }) => {
      const { sessionId, ...search } = query;
      const found = await core.public.search(params.tenant, search);
      if (sessionId) await core.public.recordSearchSession(params.tenant, sessionId);
      return found;
    },
    getHelpArticle: async ({ params, query }) => {
      const article = await core.public.getPublished(params.tenant, params.slug, query.locale);
      if (!article) throw notFound('article');
      await core.public.recordView(params.tenant, article.articleId, query.sessionId);
      return article;
    },
    giveHelpFeedback: ({ params, body }) => core.public.recordFeedback(params.tenant, { slug: params.slug, ...body }),
  };
};
