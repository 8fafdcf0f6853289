import * as z from 'zod';
import { id, listQuery, locale, tag, text } from '../../shared/domain/fields.ts';
import { tenantPattern } from '../../shared/http/auth.ts';

/** A version of an article: draft (editable), published (the public one, at most one), archived. */
export const versionStatuses = ['draft', 'published', 'archived'] as const;
/** An article is published while it has a published version, archived once taken off, a draft before its first publication. */
export const articleStatuses = versionStatuses;

/** BCP 47, kept in canonical form (zh-cn → zh-CN) so a slug's uniqueness and a search's filter compare alike. */
export const articleLocale = locale.transform((l) => Intl.getCanonicalLocales(l)[0]!);
export const slug = z
  .string()
  .max(120)
  .regex(/^[\p{Ll}\p{Lo}\p{N}]+(?:-[\p{Ll}\p{Lo}\p{N}]+)*$/u, 'lower-case letters and digits in words joined by -, e.g. reset-password');
const title = text(200);
/** Markdown, stored as written; whoever renders it escapes it. 50 000 characters keep a version item well inside DynamoDB's 400 KB. */
const body = z.string().max(50_000);
const tags = z
  .array(tag)
  .max(20)
  .transform((t) => [...new Set(t)]);
/** A visitor's session, chosen by the page or app that searches (a random id): views, feedback and deflection key on it. */
export const sessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8-64 letters, digits, _ or -');

// Categories

export const createCategoryBody = z.strictObject({
  name: text(120),
  description: text(1000).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
});
export const updateCategoryBody = z
  .strictObject({
    name: text(120),
    description: text(1000).nullable(),
    position: z.number().int().min(0).max(10_000).nullable(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });

export const categoryResponse = z
  .object({
    id,
    version: z.number().int(),
    name: z.string(),
    description: z.string().optional(),
    /** Where it sorts among the categories, as the client orders them. */
    position: z.number().int().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'KbCategory' });
export type Category = z.infer<typeof categoryResponse>;

export const idParams = z.strictObject({ id });
export const listCategoriesQuery = listQuery;

// Articles

export const createArticleBody = z.strictObject({
  locale: articleLocale,
  slug,
  title,
  body,
  categoryId: id.optional(),
  tags: tags.optional(),
});

/** Title, body and tags change the draft (made from the newest version when there is none); slug and category change the article. */
export const updateArticleBody = z
  .strictObject({ slug, title, body, categoryId: id.nullable(), tags })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });

export const rollbackBody = z.strictObject({ version: z.number().int().min(1) });

export const listArticlesQuery = listQuery.extend({
  q: z.string().max(200).optional(),
  locale: articleLocale.optional(),
  status: z.enum(articleStatuses).optional(),
  categoryId: id.optional(),
});

const contentFields = {
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()),
};

export const versionResponse = z
  .object({
    articleId: id,
    /** 1, 2, 3… in the order the versions were made. */
    number: z.number().int(),
    status: z.enum(versionStatuses),
    ...contentFields,
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    publishedAt: z.string().optional(),
    archivedAt: z.string().optional(),
  })
  .meta({ id: 'KbArticleVersion' });
export type ArticleVersion = z.infer<typeof versionResponse>;

/** The stored head of an article: what it is, which versions are draft and public, its staff index terms. */
export const articleHead = z.object({
  id,
  version: z.number().int(),
  locale: z.string(),
  slug: z.string(),
  categoryId: id.optional(),
  /** Of the newest version (the draft while there is one). */
  title: z.string(),
  tags: z.array(z.string()),
  status: z.enum(articleStatuses),
  latestNumber: z.number().int(),
  draftNumber: z.number().int().optional(),
  publishedNumber: z.number().int().optional(),
  publishedAt: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
/** `terms` index the newest version for staff search, `publicTerms` the published one for public search. */
export type ArticleHead = z.infer<typeof articleHead> & { terms: string[]; publicTerms: string[] };

export const articleResponse = articleHead
  .extend({
    /** The draft version, when there is one: the one PATCH edits and publish makes public. */
    draft: versionResponse.optional(),
    /** The public version. */
    published: versionResponse.optional(),
  })
  .meta({ id: 'KbArticle' });
export type ArticleView = z.infer<typeof articleResponse>;

export const articleSummary = articleHead.meta({ id: 'KbArticleSummary' });

/** What the public sees of a published article. */
export const publicArticleResponse = z
  .object({
    articleId: id,
    locale: z.string(),
    slug: z.string(),
    categoryId: id.optional(),
    /** The published version's number. */
    number: z.number().int(),
    ...contentFields,
    publishedAt: z.string(),
  })
  .meta({ id: 'KbPublicArticle' });
export type PublicArticle = z.infer<typeof publicArticleResponse> & { terms: string[] };

export const publicHitResponse = publicArticleResponse.omit({ body: true }).extend({ excerpt: z.string() }).meta({ id: 'KbPublicHit' });
export type PublicHit = z.infer<typeof publicHitResponse>;

// Public routes

export const tenantParam = z.string().regex(tenantPattern, 'a tenant id');
export const helpParams = z.strictObject({ tenant: tenantParam });
export const helpArticleParams = z.strictObject({ tenant: tenantParam, slug });

export const publicSearchQuery = listQuery.extend({
  q: z.string().max(200).optional(),
  locale: articleLocale.optional(),
  /** Starts (or continues) the visitor's search session: what they view next may count as a deflection. */
  sessionId: sessionId.optional(),
});

export const publicArticleQuery = z.strictObject({
  locale: articleLocale.optional(),
  sessionId: sessionId.optional(),
});

/** Control characters other than line breaks and tabs are dropped from what a visitor writes. */
const visitorText = (max: number) =>
  z
    .string()
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what it removes
    .transform((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim())
    .pipe(z.string().max(max));

export const feedbackBody = z.strictObject({
  helpful: z.boolean(),
  comment: visitorText(2000).optional(),
  /** One answer per session: a second one from it is refused (409). */
  sessionId: sessionId.optional(),
  /** Which translation the slug names, when the slug is used in several locales. */
  locale: articleLocale.optional(),
});
export const feedbackResponse = z.object({ articleId: id, helpful: z.boolean(), recordedAt: z.string() });

export const commentResponse = z
  .object({
    id,
    articleId: id,
    helpful: z.boolean(),
    comment: z.string(),
    /** The article version the visitor read. */
    number: z.number().int(),
    at: z.string(),
  })
  .meta({ id: 'KbFeedbackComment' });
export type FeedbackComment = z.infer<typeof commentResponse>;

// Report

const day = z.iso.date({ message: 'a date such as 2026-12-31' });
export const maxReportDays = 92;
export const reportQuery = z
  .strictObject({ from: day, to: day })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < maxReportDays, {
    message: `at most ${maxReportDays} days`,
    path: ['to'],
  });

/** One day's figures of an article. */
export interface DayFigures {
  articleId: string;
  views: number;
  helpful: number;
  unhelpful: number;
  deflections: number;
}

const figures = {
  views: z.number().int(),
  helpful: z.number().int(),
  unhelpful: z.number().int(),
  /** helpful / (helpful + unhelpful); absent without feedback. */
  helpfulRate: z.number().optional(),
  deflections: z.number().int(),
};
export const reportResponse = z
  .object({
    from: z.string(),
    to: z.string(),
    totals: z.object(figures),
    items: z.array(
      z.object({ articleId: id, title: z.string().optional(), slug: z.string().optional(), locale: z.string().optional(), ...figures }),
    ),
  })
  .meta({ id: 'KbReport' });
