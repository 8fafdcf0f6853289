import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createPriceBookBody,
  createProductBody,
  type PriceBook,
  type Product,
  updatePriceBookBody,
} from '../../functions/products/schemas.ts';
import { productService } from '../../functions/products/service.ts';
import { createQuoteBody, newVersionBody, type Quote, type QuoteVersion } from '../../functions/quotes/schemas.ts';
import { quoteService } from '../../functions/quotes/service.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { DomainError } from '../../shared/errors.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { systemClock, useClock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { type FakeProducts, fakeProductRepository } from '../support/fakes/products.ts';
import { fakeQuoteRepository } from '../support/fakes/quotes.ts';

const tenantId = 'acme';
const ctx: RequestContext = { tenantId, userId: 'rep-1', roles: ['sales'] };
const none = { params: undefined, query: undefined, body: undefined } as const;
const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));

let products: FakeProducts;
let quotesFake: ReturnType<typeof fakeQuoteRepository>;
let catalog: ReturnType<typeof productService>;
let quotes: ReturnType<typeof quoteService>;
let dealId: string;

beforeEach(() => {
  useClock(clock);
  products = fakeProductRepository();
  quotesFake = fakeQuoteRepository(products);
  catalog = productService(products.repo);
  quotes = quoteService(quotesFake.repo, quotesFake.references);
  dealId = newId();
  quotesFake.addDeal(tenantId, dealId);
});
afterAll(() => useClock(systemClock));

const product = (sku: string, taxRateBp = 2000) =>
  catalog.createProduct({ ...none, body: createProductBody.parse({ sku, name: sku, taxRateBp }) }, ctx) as Promise<Product>;
const book = (prices: unknown[]) =>
  catalog.createPriceBook({ ...none, body: createPriceBookBody.parse({ name: 'List', prices }) }, ctx) as Promise<PriceBook>;
const quote = (fields: Record<string, unknown>) =>
  quotes.createQuote({ ...none, body: createQuoteBody.parse({ dealId, ...fields }) }, ctx) as Promise<Quote>;
const refusal = async (p: Promise<unknown>) => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
};

describe('quotes priced by the server', () => {
  it('takes unit prices from the default price book in its only currency, tax from each product', async () => {
    const seat = await product('SEAT', 2000);
    const book1 = await book([{ productId: seat.id, currency: 'EUR', unitAmount: 3333 }]);
    expect(book1.isDefault).toBe(true);
    const q = await quote({ lines: [{ productId: seat.id, quantity: 3, discount: { percentBp: 1000 } }] });
    expect(q).toMatchObject({ status: 'draft', number: 1, version: 1, currency: 'EUR', priceBookId: book1.id });
    expect(q.lines[0]).toMatchObject({ sku: 'SEAT', unitAmount: 3333, priceFrom: 'price_book', netAmount: 8999, taxAmount: 1800 });
    expect(q.totals).toEqual({ net: 8999, tax: 1800, total: 10799 });
    expect(q).not.toHaveProperty('priceRefs');
    expect(quotesFake.events.map((e) => e.type)).toEqual(['quote.created']);
    expect(quotesFake.events[0]!.data).toMatchObject({ quoteId: q.id, total: { amount: 10799, currency: 'EUR' } });
    expect(await products.repo.priceUses(tenantId, book1.id, seat.id, 'EUR')).toBe(1);
  });

  it('refuses a zero quantity at the schema (400), and mixed currencies and unknown deals with 422', async () => {
    const seat = await product('SEAT');
    await book([{ productId: seat.id, currency: 'EUR', unitAmount: 1000 }]);
    expect(createQuoteBody.safeParse({ dealId, lines: [{ productId: seat.id, quantity: 0 }] }).success).toBe(false);
    const mixed = await refusal(
      quote({
        currency: 'EUR',
        lines: [
          { productId: seat.id, quantity: 1 },
          { productId: seat.id, quantity: 1, unitPrice: { amount: 5, currency: 'USD' } },
        ],
      }),
    );
    expect(mixed.kind).toBe('unprocessable');
    expect(mixed.extra.errors).toHaveProperty(['body.lines.1.unitPrice']);
    const noDeal = await refusal(
      quotes.createQuote({ ...none, body: createQuoteBody.parse({ dealId: newId(), lines: [{ productId: seat.id, quantity: 1 }] }) }, ctx),
    );
    expect(noDeal.extra.errors).toHaveProperty(['body.dealId']);
    expect(quotesFake.events).toEqual([]);
  });

  it('asks for the currency when the book prices in several, and for a price when the book has none', async () => {
    const seat = await product('SEAT');
    const other = await product('OTHER');
    await book([
      { productId: seat.id, currency: 'EUR', unitAmount: 1000 },
      { productId: seat.id, currency: 'USD', unitAmount: 1100 },
    ]);
    expect((await refusal(quote({ lines: [{ productId: seat.id, quantity: 1 }] }))).extra.errors).toHaveProperty(['body.currency']);
    expect((await quote({ currency: 'USD', lines: [{ productId: seat.id, quantity: 1 }] })).totals.net).toBe(1100);
    const unpriced = await refusal(quote({ currency: 'EUR', lines: [{ productId: other.id, quantity: 1 }] }));
    expect(unpriced.extra.errors).toHaveProperty(['body.lines.0.unitPrice']);
    const given = await quote({
      currency: 'EUR',
      lines: [{ productId: other.id, quantity: 2, unitPrice: { amount: 450, currency: 'EUR' } }],
    });
    expect(given.lines[0]).toMatchObject({ priceFrom: 'given', netAmount: 900, taxAmount: 180 });
  });

  it('keeps earlier versions as they were and moves status draft → sent → accepted, once', async () => {
    const seat = await product('SEAT');
    await book([{ productId: seat.id, currency: 'EUR', unitAmount: 1000 }]);
    const q1 = await quote({ lines: [{ productId: seat.id, quantity: 1 }] });
    const v2 = (await quotes.replaceQuote(
      { ...none, params: { id: q1.id }, body: newVersionBody.parse({ lines: [{ productId: seat.id, quantity: 5 }] }), ifMatch: 1 },
      ctx,
    )) as Quote;
    expect(v2).toMatchObject({ number: 2, version: 2, totals: { net: 5000 } });
    const first = (await quotes.getQuoteVersion({ ...none, params: { id: q1.id, number: 1 } }, ctx)) as QuoteVersion;
    expect(first.totals.net).toBe(1000);
    const stale = await refusal(
      quotes.replaceQuote(
        { ...none, params: { id: q1.id }, body: newVersionBody.parse({ lines: [{ productId: seat.id, quantity: 2 }] }), ifMatch: 1 },
        ctx,
      ),
    );
    expect(stale.kind).toBe('precondition-failed');
    await quotes.updateQuoteStatus({ ...none, params: { id: q1.id }, body: { status: 'sent' } }, ctx);
    expect(((await quotes.updateQuoteStatus({ ...none, params: { id: q1.id }, body: { status: 'accepted' } }, ctx)) as Quote).status).toBe(
      'accepted',
    );
    expect((await refusal(quotes.updateQuoteStatus({ ...none, params: { id: q1.id }, body: { status: 'declined' } }, ctx))).kind).toBe(
      'conflict',
    );
    expect(
      (
        await refusal(
          quotes.replaceQuote(
            { ...none, params: { id: q1.id }, body: newVersionBody.parse({ lines: [{ productId: seat.id, quantity: 2 }] }) },
            ctx,
          ),
        )
      ).kind,
    ).toBe('conflict');
    expect(quotesFake.events.map((e) => e.type)).toEqual(['quote.created', 'quote.updated', 'quote.sent', 'quote.accepted']);
    // the price entry counts the quote once, whatever the number of versions using it
    expect(await products.repo.priceUses(tenantId, v2.priceBookId, seat.id, 'EUR')).toBe(1);
  });
});

describe('sending a quote', () => {
  it("emails the deal's primary contact once per version, as transactional, and marks a draft sent", async () => {
    const seat = await product('SEAT');
    await book([{ productId: seat.id, currency: 'EUR', unitAmount: 1000 }]);
    const q = await quote({ lines: [{ productId: seat.id, quantity: 1 }] });
    const sent = (await quotes.sendQuote({ ...none, params: { id: q.id } }, ctx)) as Quote;
    expect(sent).toMatchObject({ status: 'sent', version: 2, sentAt: clock.now().toISOString() });
    expect(quotesFake.sent).toHaveLength(1);
    expect(quotesFake.sent[0]).toMatchObject({
      contactId: `contact-of-${dealId}`,
      channel: 'email',
      purpose: 'transactional',
      dedupeKey: `quote.${q.id}.v1`,
      variables: { total: '€12.00', expires: '2026-07-01' },
    });
    expect(String(quotesFake.sent[0]!.variables!.quoteUrl)).toMatch(/\/q\/[\w-]+\.[\w-]+$/);
    expect(quotesFake.events.map((e) => e.type)).toEqual(['quote.created', 'quote.sent']);
    await quotes.updateQuoteStatus({ ...none, params: { id: q.id }, body: { status: 'declined' } }, ctx);
    expect((await refusal(quotes.sendQuote({ ...none, params: { id: q.id } }, ctx))).kind).toBe('conflict');
  });
});

describe('quotes expire after their validUntil', () => {
  let local: ManualClock;
  beforeEach(() => {
    local = new ManualClock(new Date('2026-06-01T09:00:00Z'));
    useClock(local);
  });
  const at = (iso: string) => local.advance(new Date(iso).getTime() - local.now().getTime());
  it('schedules the expiry on send, expires a sent quote once at its time, and refuses a late acceptance', async () => {
    const seat = await product('SEAT');
    await book([{ productId: seat.id, currency: 'EUR', unitAmount: 1000 }]);
    const q = await quote({ validUntil: '2026-06-10', lines: [{ productId: seat.id, quantity: 1 }] });
    await quotes.sendQuote({ ...none, params: { id: q.id } }, ctx);
    expect(quotesFake.scheduled).toEqual([
      {
        name: `quote-expire-${q.id}-v1`,
        at: new Date('2026-06-11T00:00:00.000Z'),
        target: 'quotes',
        payload: { kind: 'expire', tenantId, quoteId: q.id, number: 1 },
      },
    ]);
    // Too early: the job (or a retry of it) leaves the quote sent.
    expect((await quotes.expireDue(tenantId, q.id, 1))?.status).toBe('sent');
    await at('2026-06-10T23:59:59Z');
    expect((await quotes.expireDue(tenantId, q.id, 1))?.status).toBe('sent');

    await at('2026-06-11T00:00:01Z');
    const late = await refusal(quotes.updateQuoteStatus({ ...none, params: { id: q.id }, body: { status: 'accepted' } }, ctx));
    expect(late.kind).toBe('conflict');
    expect(late.extra).toMatchObject({ quoteStatus: 'expired', validUntil: '2026-06-10' });
    const now = (await quotes.getQuote({ ...none, params: { id: q.id } }, ctx)) as Quote;
    expect(now).toMatchObject({ status: 'expired', decidedAt: '2026-06-11T00:00:01.000Z' });
    // The job firing after that changes nothing.
    expect((await quotes.expireDue(tenantId, q.id, 1))?.version).toBe(now.version);
    expect(quotesFake.events.map((e) => e.type)).toEqual(['quote.created', 'quote.sent', 'quote.expired']);
    expect(quotesFake.events.at(-1)!.data).toMatchObject({ status: 'expired', validUntil: '2026-06-10' });
  });

  it('leaves a quote replaced by a newer version, and one without validUntil, to their own course', async () => {
    const seat = await product('SEAT');
    await book([{ productId: seat.id, currency: 'EUR', unitAmount: 1000 }]);
    const q = await quote({ validUntil: '2026-06-10', lines: [{ productId: seat.id, quantity: 1 }] });
    await quotes.sendQuote({ ...none, params: { id: q.id } }, ctx);
    await quotes.replaceQuote(
      {
        ...none,
        params: { id: q.id },
        body: newVersionBody.parse({ validUntil: '2026-06-30', lines: [{ productId: seat.id, quantity: 2 }] }),
      },
      ctx,
    );
    await quotes.sendQuote({ ...none, params: { id: q.id } }, ctx);
    expect(quotesFake.scheduled.map((j) => [j.name, j.at.toISOString()])).toEqual([
      [`quote-expire-${q.id}-v1`, '2026-06-11T00:00:00.000Z'],
      [`quote-expire-${q.id}-v2`, '2026-07-01T00:00:00.000Z'],
    ]);
    await at('2026-06-12T00:00:00Z');
    expect((await quotes.expireDue(tenantId, q.id, 1))?.status).toBe('sent');
    const open = await quote({ lines: [{ productId: seat.id, quantity: 1 }] });
    await quotes.sendQuote({ ...none, params: { id: open.id } }, ctx);
    expect(quotesFake.scheduled).toHaveLength(2);
    expect(
      ((await quotes.updateQuoteStatus({ ...none, params: { id: open.id }, body: { status: 'accepted' } }, ctx)) as Quote).status,
    ).toBe('accepted');
  });
});

describe('products and price books', () => {
  it('keeps SKUs unique per tenant, naming the holder', async () => {
    const seat = await product('SEAT');
    const taken = await refusal(product('SEAT'));
    expect(taken.kind).toBe('conflict');
    expect(taken.extra).toMatchObject({ existingId: seat.id, field: 'sku' });
    await catalog.createProduct(
      { ...none, body: createProductBody.parse({ sku: 'SEAT', name: 'x', taxRateBp: 0 }) },
      { ...ctx, tenantId: 'other' },
    );
  });

  it('refuses to remove a price a quote uses but lets it be deactivated', async () => {
    const seat = await product('SEAT');
    const b = await book([{ productId: seat.id, currency: 'EUR', unitAmount: 1000 }]);
    await quote({ lines: [{ productId: seat.id, quantity: 1 }] });
    const put = (prices: unknown[], ifMatch?: number) =>
      catalog.updatePriceBook(
        { ...none, params: { id: b.id }, body: updatePriceBookBody.parse({ name: 'List', active: true, prices }), ifMatch },
        ctx,
      ) as Promise<PriceBook>;
    const removed = await refusal(put([]));
    expect(removed.kind).toBe('conflict');
    expect(removed.extra.pricesInUse).toEqual([{ productId: seat.id, currency: 'EUR', quotes: 1 }]);
    const off = await put([{ productId: seat.id, currency: 'EUR', unitAmount: 1000, active: false }], 1);
    expect(off.prices[0]!.active).toBe(false);
    // a deactivated price prices no new quote
    expect((await refusal(quote({ currency: 'EUR', lines: [{ productId: seat.id, quantity: 1 }] }))).extra.errors).toHaveProperty([
      'body.lines.0.unitPrice',
    ]);
    expect((await refusal(put([], 1))).kind).toBe('precondition-failed');
  });
});
