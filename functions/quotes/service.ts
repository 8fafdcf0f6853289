import { isWriteConflict } from '../../shared/db/transact.ts';
import { conflict, DomainError, notFound, preconditionFailed, unprocessable } from '../../shared/errors.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { brokenLink } from '../../shared/http/html-page.ts';
import type { Reply } from '../../shared/http/reply.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import type { ScheduledJob } from '../../shared/ports/scheduler.ts';
import { retry } from '../../shared/retry.ts';
import type { SendOutcome, SendRequest } from '../messaging/api.ts';
import type { PriceBook, Product } from '../products/api.ts';
import { quoteUrl, readQuoteLink } from './link.ts';
import { formatMoney, noticePage, quoteEmail, quotePage } from './page.ts';
import { type PricedLineInput, PricingError, priceQuote } from './pricing.ts';
import type { QuoteConflict, QuoteRepository } from './repository.ts';
import type { quoteRoutes } from './routes.ts';
import type { Quote, QuoteContent, QuoteLine, QuoteStatus, QuoteVersion, StoredQuote } from './schemas.ts';

/** What quotes read of other contexts (dealsApi and productsApi in the handler). */
export interface QuoteReferences {
  dealExists(tenantId: string, dealId: string): Promise<boolean>;
  getProducts(tenantId: string, productIds: string[]): Promise<Product[]>;
  /** The named price book, or the tenant's default one. */
  getPriceBook(tenantId: string, priceBookId?: string): Promise<PriceBook | undefined>;
  /** The deal's primary contact: whom a quote is emailed to. */
  primaryContact(tenantId: string, dealId: string): Promise<string | undefined>;
  /** messagingApi.send. */
  send(request: SendRequest): Promise<SendOutcome>;
  /** The scheduler port: a sent quote's expiry, at the end of its validUntil (functions/quotes/scheduled.ts). */
  schedule(job: ScheduledJob): Promise<void>;
}

/** How long a quote link works when the quote has no validUntil. */
const linkDays = 30;

const writeAttempts = 5;

/** Which status a quote may move to from which: accepted, declined and expired are final. */
const transitions: Record<QuoteStatus, readonly QuoteStatus[]> = {
  draft: ['sent', 'expired'],
  sent: ['accepted', 'declined', 'expired'],
  accepted: [],
  declined: [],
  expired: [],
};
export const canMove = (from: QuoteStatus, to: QuoteStatus) => transitions[from].includes(to);

const statusEvent = { sent: 'quote.sent', accepted: 'quote.accepted', declined: 'quote.declined', expired: 'quote.expired' } as const;

const quoteData = (q: Quote) => ({
  quoteId: q.id,
  dealId: q.dealId,
  number: q.number,
  status: q.status,
  total: { amount: q.totals.total, currency: q.currency },
  winDealOnAccept: q.winDealOnAccept,
  createOrderOnAccept: q.createOrderOnAccept ?? false,
  ...(q.validUntil && { validUntil: q.validUntil }),
});

/** A quote is valid through the whole of its validUntil day (UTC): it expires the second after. */
export const expiryOf = (q: { validUntil?: string }): Date | undefined =>
  q.validUntil ? new Date(`${q.validUntil}T23:59:59.999Z`) : undefined;
/** A sent quote whose validUntil has passed: it takes no decision, and becomes expired. */
export const pastValidity = (q: { status: QuoteStatus; validUntil?: string }, now: Date) => {
  const expiry = expiryOf(q);
  return q.status === 'sent' && !!expiry && expiry < now;
};
/** The one-time job that expires this version of the quote: scheduling it again (a re-send) is a no-op. */
export const expiryJobName = (quoteId: string, number: number) => `quote-expire-${quoteId}-v${number}`;

/** The quote as the API shows it: without the stored price references. */
export const view = ({ priceRefs: _, ...quote }: StoredQuote): Quote => quote;

const refKey = (productId: string, currency: string) => `${productId}#${currency}`;

interface Priced {
  book: PriceBook;
  currency: string;
  lines: QuoteLine[];
  totals: { net: number; tax: number; total: number };
  /** The price entries of the book the lines use. */
  used: { productId: string; currency: string }[];
}

const refuse = (message: string, errors: Record<string, string[]>) => unprocessable(message, { errors });

/** Prices a quote's content: products, price book, currency, then the rounding rule of pricing.ts. */
export const priceContent = async (refs: QuoteReferences, tenantId: string, content: QuoteContent): Promise<Priced> => {
  const book = await refs.getPriceBook(tenantId, content.priceBookId);
  if (!book)
    throw content.priceBookId
      ? refuse('the price book does not exist', { 'body.priceBookId': [`no price book ${content.priceBookId}`] })
      : refuse('the tenant has no price book yet: create one (POST /price-books)', { 'body.priceBookId': ['no default price book'] });
  if (!book.active) throw refuse('the price book is not active', { 'body.priceBookId': ['inactive'] });

  const products = new Map(
    (
      await refs.getProducts(
        tenantId,
        content.lines.map((l) => l.productId),
      )
    ).map((p) => [p.id, p]),
  );
  const errors: Record<string, string[]> = {};
  content.lines.forEach((l, i) => {
    const p = products.get(l.productId);
    if (!p) errors[`body.lines.${i}.productId`] = [`no product ${l.productId}`];
    else if (!p.active) errors[`body.lines.${i}.productId`] = [`the product ${p.sku} is not active`];
  });
  if (Object.keys(errors).length) throw refuse('a line names a product that does not exist or is retired', errors);

  const activePrices = book.prices.filter((p) => p.active);
  const currency =
    content.currency ??
    content.lines.find((l) => l.unitPrice)?.unitPrice?.currency ??
    (() => {
      const offered = new Set(book.prices.filter((p) => products.has(p.productId)).map((p) => p.currency));
      if (offered.size === 1) return [...offered][0]!;
      throw refuse('name the currency of the quote: the price book prices its products in several currencies or none', {
        'body.currency': [offered.size ? `one of ${[...offered].sort().join(', ')}` : 'the price book has no price for these products'],
      });
    })();

  const inputs: (PricedLineInput & { productId: string; from: 'price_book' | 'given' })[] = content.lines.map((l, i) => {
    const product = products.get(l.productId)!;
    if (l.unitPrice) return { ...l, ...l.unitPrice, unitAmount: l.unitPrice.amount, taxRateBp: product.taxRateBp, from: 'given' };
    const entry = activePrices.find((p) => p.productId === l.productId && p.currency === currency);
    if (!entry) errors[`body.lines.${i}.unitPrice`] = [`the price book has no active ${currency} price for ${product.sku}: give unitPrice`];
    return { ...l, currency, unitAmount: entry?.unitAmount ?? 0, taxRateBp: product.taxRateBp, from: 'price_book' };
  });
  if (Object.keys(errors).length) throw refuse('a line has no price', errors);

  let priced: ReturnType<typeof priceQuote>;
  try {
    priced = priceQuote(currency, inputs);
  } catch (error) {
    if (!(error instanceof PricingError)) throw error;
    const field = error.code === 'mixed-currencies' ? 'unitPrice' : error.code === 'bad-quantity' ? 'quantity' : 'discount';
    throw refuse(error.message, { [`body.lines.${error.line}.${field}`]: [error.message] });
  }

  const lines: QuoteLine[] = content.lines.map((l, i) => {
    const product = products.get(l.productId)!;
    return {
      productId: l.productId,
      sku: product.sku,
      name: product.name,
      ...(l.description !== undefined && { description: l.description }),
      quantity: l.quantity,
      unitAmount: inputs[i]!.unitAmount,
      priceFrom: inputs[i]!.from,
      ...(l.discount && { discount: l.discount }),
      taxRateBp: product.taxRateBp,
      ...priced.lines[i]!,
    };
  });
  const used = [
    ...new Map(
      inputs.filter((l) => l.from === 'price_book').map((l) => [refKey(l.productId, currency), { productId: l.productId, currency }]),
    ).values(),
  ];
  return { book, currency, lines, totals: priced.totals, used };
};

export const quoteService = (repo: QuoteRepository, refs: QuoteReferences) => {
  const versionOf = (quoteId: string, number: number, content: QuoteContent, priced: Priced, by: string, now: string): QuoteVersion => ({
    quoteId,
    number,
    priceBookId: priced.book.id,
    currency: priced.currency,
    lines: priced.lines,
    totals: priced.totals,
    ...(content.validUntil && { validUntil: content.validUntil }),
    ...(content.note && { note: content.note }),
    winDealOnAccept: content.winDealOnAccept ?? false,
    createOrderOnAccept: content.createOrderOnAccept ?? false,
    createdBy: by,
    createdAt: now,
  });

  const retriable = (ifMatch: number | undefined) => (error: unknown) =>
    isWriteConflict<QuoteConflict>(error, 'PRICE_BOOK') || (ifMatch === undefined && isWriteConflict<QuoteConflict>(error, 'VERSION'));

  /** Reads the quote, checks If-Match, applies `change`; a lost race is retried on fresh data unless If-Match pinned the version. */
  const changeQuote = (tenantId: string, id: string, ifMatch: number | undefined, change: (before: StoredQuote) => Promise<Quote>) =>
    retry(
      async () => {
        const before = await repo.getQuote(tenantId, id, true);
        if (!before) throw notFound('quote');
        if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
        return change(before);
      },
      { attempts: writeAttempts, retryOn: retriable(ifMatch) },
    ).catch((error) => {
      if (ifMatch !== undefined && isWriteConflict<QuoteConflict>(error, 'VERSION')) throw preconditionFailed();
      throw error;
    });

  const createQuote = async (tenantId: string, dealId: string, content: QuoteContent, by: string): Promise<Quote> => {
    if (!(await refs.dealExists(tenantId, dealId))) throw refuse('the deal does not exist', { 'body.dealId': [`no deal ${dealId}`] });
    const id = newId();
    return retry(
      async () => {
        const priced = await priceContent(refs, tenantId, content);
        const now = clock().now().toISOString();
        const { quoteId: _, createdAt: __, createdBy: ___, ...v } = versionOf(id, 1, content, priced, by, now);
        const quote: StoredQuote = {
          id,
          version: 1,
          dealId,
          status: 'draft',
          ...v,
          createdBy: by,
          createdAt: now,
          updatedAt: now,
          priceRefs: priced.used.map((u) => refKey(u.productId, u.currency)),
        };
        await repo.saveQuote(
          tenantId,
          { after: quote, version: versionOf(id, 1, content, priced, by, now), priceBook: priced.book, newPrices: priced.used },
          [domainEvent(tenantId, 'quote.created', quoteData(quote))],
        );
        return view(quote);
      },
      { attempts: writeAttempts, retryOn: retriable(undefined) },
    );
  };

  const newVersion = (tenantId: string, id: string, content: QuoteContent, ifMatch: number | undefined, by: string) =>
    changeQuote(tenantId, id, ifMatch, async (before) => {
      if (before.status !== 'draft' && before.status !== 'sent')
        throw conflict(`the quote is ${before.status}: it takes no new version`, { quoteStatus: before.status });
      const priced = await priceContent(refs, tenantId, content);
      const now = clock().now().toISOString();
      const number = before.number + 1;
      const version = versionOf(id, number, content, priced, by, now);
      const { quoteId: _, createdAt: __, createdBy: ___, ...v } = version;
      const fresh = priced.used.filter((u) => !before.priceRefs.includes(refKey(u.productId, u.currency)));
      const { sentAt: _sent, validUntil: _valid, note: _note, ...kept } = before;
      const after: StoredQuote = {
        ...kept,
        ...v,
        status: 'draft',
        version: before.version + 1,
        updatedAt: now,
        priceRefs: [...before.priceRefs, ...fresh.map((u) => refKey(u.productId, u.currency))],
      };
      await repo.saveQuote(tenantId, { before, after, version, priceBook: priced.book, newPrices: fresh }, [
        domainEvent(tenantId, 'quote.updated', quoteData(after)),
      ]);
      return view(after);
    });

  /** Moves a quote to `status` (draft → sent → accepted / declined; draft or sent → expired), with its event. */
  const moveTo = (
    tenantId: string,
    id: string,
    status: Exclude<QuoteStatus, 'draft'>,
    ifMatch: number | undefined,
    extra: DomainEvent[] = [],
  ) =>
    changeQuote(tenantId, id, ifMatch, async (before) => {
      if (!canMove(before.status, status))
        throw conflict(`a ${before.status} quote cannot become ${status}`, { quoteStatus: before.status });
      if (status === 'accepted' && pastValidity(before, clock().now()))
        throw conflict(`the quote expired after ${before.validUntil}: it cannot be accepted`, {
          quoteStatus: 'expired',
          validUntil: before.validUntil,
        });
      const expiry = status === 'sent' ? expiryOf(before) : undefined;
      // Before the write: a job for a send that then fails finds a draft and leaves it be. A time already past
      // schedules nothing (the scheduler refuses it); a late acceptance is refused all the same.
      if (expiry && expiry > clock().now())
        await refs.schedule({
          name: expiryJobName(id, before.number),
          at: new Date(expiry.getTime() + 1),
          target: 'quotes',
          payload: { kind: 'expire', tenantId, quoteId: id, number: before.number },
        });
      const now = clock().now().toISOString();
      const after: StoredQuote = {
        ...before,
        status,
        version: before.version + 1,
        updatedAt: now,
        ...(status === 'sent' ? { sentAt: now } : { decidedAt: now }),
      };
      await repo.saveQuote(tenantId, { before, after }, [domainEvent(tenantId, statusEvent[status], quoteData(after)), ...extra]);
      return view(after);
    });

  /**
   * Marks a sent quote past its validUntil expired (quote.expired), once: the
   * scheduled job of its version, or a decision that comes too late. Anything
   * else (a newer version, a decided quote, a time not yet come) is left as it is.
   */
  const expireDue = async (tenantId: string, id: string, number?: number): Promise<Quote | undefined> => {
    const quote = await repo.getQuote(tenantId, id, true);
    if (!quote) return undefined;
    if ((number !== undefined && quote.number !== number) || !pastValidity(quote, clock().now())) return view(quote);
    return moveTo(tenantId, id, 'expired', quote.version).catch(async (error) => {
      // A concurrent write (a decision, the other of job and late decision) got there first.
      if (error instanceof DomainError && (error.kind === 'conflict' || error.kind === 'precondition-failed'))
        return view((await repo.getQuote(tenantId, id, true))!);
      throw error;
    });
  };

  /** Emails the deal's primary contact a signed link to the quote's page, then marks a draft sent. */
  const sendQuote = async (tenantId: string, id: string): Promise<Quote> => {
    const quote = await repo.getQuote(tenantId, id, true);
    if (!quote) throw notFound('quote');
    if (quote.status !== 'draft' && quote.status !== 'sent')
      throw conflict(`the quote is ${quote.status}: it is not sent again`, { quoteStatus: quote.status });
    const contactId = await refs.primaryContact(tenantId, quote.dealId);
    if (!contactId) throw unprocessable('the deal has no contact to send the quote to');
    const now = clock().now();
    const expiresAt = quote.validUntil ? new Date(`${quote.validUntil}T23:59:59Z`) : new Date(now.getTime() + linkDays * 86_400_000);
    if (expiresAt <= now)
      throw unprocessable('the quote is past its validUntil: make a new version first', { validUntil: quote.validUntil });
    const outcome = await refs.send({
      tenantId,
      contactId,
      channel: 'email',
      purpose: 'transactional',
      content: quoteEmail,
      variables: {
        quoteUrl: await quoteUrl(tenantId, id, quote.number, expiresAt),
        total: formatMoney(quote.totals.total, quote.currency),
        expires: expiresAt.toISOString().slice(0, 10),
      },
      // One email per version: sending a version again is a no-op.
      dedupeKey: `quote.${id}.v${quote.number}`,
    });
    if (outcome.status === 'failed' || (outcome.status === 'skipped' && outcome.reason !== 'duplicate'))
      throw unprocessable(`the quote email was not sent (${outcome.reason})`, { outcome: outcome.status, reason: outcome.reason });
    if (quote.status === 'sent') return view(quote);
    return moveTo(tenantId, id, 'sent', undefined).catch(async (error) => {
      // A concurrent send marked it first.
      if (error instanceof DomainError && error.kind === 'conflict') return view((await repo.getQuote(tenantId, id, true))!);
      throw error;
    });
  };

  const decidedNote = (q: Quote) =>
    q.status === 'accepted'
      ? `You accepted this quote on ${q.decidedAt?.slice(0, 10)}. Thank you!`
      : q.status === 'declined'
        ? `You declined this quote on ${q.decidedAt?.slice(0, 10)}.`
        : 'This quote has expired.';

  /** The quote a link names, or the page to show instead (expired, broken, replaced, gone). */
  const openLink = async (token: string): Promise<{ tenantId: string; quote: StoredQuote } | { page: Reply }> => {
    const link = await readQuoteLink(token, clock().now());
    if (link.status === 'expired') return { page: noticePage(410, 'This quote has expired', 'Please ask us for a new one.') };
    if (link.status === 'invalid') return { page: noticePage(brokenLink.status, brokenLink.title, brokenLink.message) };
    const quote = await repo.getQuote(link.tenantId, link.quoteId, true);
    if (!quote) return { page: noticePage(404, 'This quote is no longer available', 'There is nothing to answer here any more.') };
    if (quote.number !== link.number)
      return { page: noticePage(410, 'This quote was replaced', 'A newer version of it is on its way to you, or has already arrived.') };
    return { tenantId: link.tenantId, quote };
  };

  const service: ServiceFor<typeof quoteRoutes, RequestContext> = {
    createQuote: ({ body: { dealId, ...content } }, ctx) => createQuote(ctx.tenantId, dealId, content, ctx.userId),

    async listQuotes({ query }, ctx) {
      const page = await repo.listByDeal(ctx.tenantId, query.dealId, query);
      return { ...page, items: page.items.map(view) };
    },

    async getQuote({ params }, ctx) {
      const quote = await repo.getQuote(ctx.tenantId, params.id);
      if (!quote) throw notFound('quote');
      return view(quote);
    },

    replaceQuote: ({ params, body, ifMatch }, ctx) => newVersion(ctx.tenantId, params.id, body, ifMatch, ctx.userId),

    async updateQuoteStatus({ params, body, ifMatch }, ctx) {
      try {
        return await moveTo(ctx.tenantId, params.id, body.status, ifMatch);
      } catch (error) {
        // Accepting a quote past its validUntil records what it is: expired.
        if (error instanceof DomainError && error.extra.quoteStatus === 'expired' && body.status === 'accepted')
          await expireDue(ctx.tenantId, params.id);
        throw error;
      }
    },

    async listQuoteVersions({ params, query }, ctx) {
      const page = await repo.listVersions(ctx.tenantId, params.id, query);
      // Every quote has version 1: an empty first page means there is no such quote.
      if (!query.cursor && !page.items.length) throw notFound('quote');
      return page;
    },

    sendQuote: ({ params }, ctx) => sendQuote(ctx.tenantId, params.id),

    async showQuote({ params }) {
      const found = await openLink(params.token);
      if ('page' in found) return found.page;
      const q = pastValidity(found.quote, clock().now()) ? await expireDue(found.tenantId, found.quote.id) : view(found.quote);
      if (!q) return noticePage(404, 'This quote is no longer available', 'There is nothing to answer here any more.');
      return q.status === 'sent' ? quotePage(200, q) : quotePage(q.status === 'expired' ? 410 : 200, q, decidedNote(q));
    },

    async answerQuote({ params, body }) {
      const found = await openLink(params.token);
      if ('page' in found) return found.page;
      const { tenantId, quote } = found;
      if (pastValidity(quote, clock().now())) {
        const expired = (await expireDue(tenantId, quote.id)) ?? view(quote);
        return quotePage(410, expired, decidedNote(expired));
      }
      if (quote.status !== 'sent') return quotePage(409, view(quote), decidedNote(view(quote)));
      const status = body.decision === 'accept' ? 'accepted' : body.decision === 'decline' ? 'declined' : undefined;
      if (!status) return quotePage(400, view(quote));
      let decided: Quote;
      try {
        // Recorded once: the write is conditional on the version read, and a decided quote takes no other decision.
        decided = await moveTo(tenantId, quote.id, status, quote.version);
      } catch (error) {
        if (!(error instanceof DomainError) || (error.kind !== 'conflict' && error.kind !== 'precondition-failed')) throw error;
        const now = view((await repo.getQuote(tenantId, quote.id, true))!);
        return quotePage(409, now, decidedNote(now));
      }
      // What acceptance sets off (the deal won, the order placed) follows from quote.accepted, retried by the bus until done.
      return quotePage(200, decided, decidedNote(decided));
    },

    async getQuoteVersion({ params }, ctx) {
      const version = await repo.getVersion(ctx.tenantId, params.id, params.number);
      if (!version) throw notFound('quote version');
      return version;
    },
  };
  return { ...service, moveTo, expireDue };
};
