import { describe, expect, it } from 'vitest';
import type { Role } from '../../shared/http/route.ts';
import { eventually } from '../support/eventually.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

const rt = useTestRuntime();
const as =
  (tenant: string, role: Role, user = `${role}-user`) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], user))(...args);

/** A deal on a fresh contact, and a product priced in the tenant's first (default) price book. */
const setUp = async (tenant: string) => {
  const admin = as(tenant, 'admin');
  const { body: contact } = await admin('POST', '/contacts', { firstName: 'Ada', email: `ada@${tenant}.example` });
  const { body: deal } = await admin('POST', '/deals', { name: 'Seats', contactIds: [contact.id] });
  const { body: seat } = await admin('POST', '/products', { sku: 'SEAT-1', name: 'Seat', taxRateBp: 2000 });
  const { body: book } = await admin('POST', '/price-books', {
    name: 'List',
    prices: [{ productId: seat.id, currency: 'EUR', unitAmount: 3333 }],
  });
  return { contact, deal, seat, book };
};

describe('products and price books', () => {
  it('keeps SKUs unique per tenant, takes If-Match and replays a POST with its Idempotency-Key', async () => {
    const tenant = uniqueTenant('products');
    const sales = as(tenant, 'sales');
    const body = { sku: 'WIDGET', name: 'Widget', taxRateBp: 550 };
    const made = await sales('POST', '/products', body, { 'idempotency-key': 'p-1' });
    expect(made.status).toBe(201);
    expect(made.headers.get('location')).toBe(`/products/${made.body.id}`);
    expect(made.body).toMatchObject({ sku: 'WIDGET', active: true, version: 1 });
    const again = await sales('POST', '/products', body, { 'idempotency-key': 'p-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(made.body.id);

    const taken = await sales('POST', '/products', { ...body, name: 'Other' });
    expect(taken.status).toBe(409);
    expect(taken.headers.get('content-type')).toBe('application/problem+json');
    expect(taken.body.existingId).toBe(made.body.id);
    const { body: gadget } = await sales('POST', '/products', { sku: 'GADGET', name: 'Gadget', taxRateBp: 0 });
    expect((await sales('PATCH', `/products/${gadget.id}`, { sku: 'WIDGET' })).body.existingId).toBe(made.body.id);
    expect((await as(uniqueTenant('products-b'), 'sales')('POST', '/products', body)).status).toBe(201);

    const retired = await sales('PATCH', `/products/${made.body.id}`, { active: false }, { 'if-match': '"1"' });
    expect(retired.status).toBe(200);
    expect(retired.headers.get('etag')).toBe('"2"');
    expect((await sales('PATCH', `/products/${made.body.id}`, { name: 'Stale' }, { 'if-match': '"1"' })).status).toBe(412);
    expect((await sales('DELETE', `/products/${made.body.id}`)).status).toBe(405);
    expect((await as(tenant, 'analyst')('GET', '/products')).body.items.map((p: any) => p.sku)).toEqual(['WIDGET', 'GADGET']);
    expect((await sales('POST', '/products', { sku: 'BAD', name: 'Bad', taxRateBp: 20.5 })).status).toBe(400);
  });

  it('keeps tenants apart and lets only sales and admin write', async () => {
    const tenant = uniqueTenant('products-roles');
    const { seat, book } = await setUp(tenant);
    const other = as(uniqueTenant('products-other'), 'admin');
    expect((await other('GET', `/products/${seat.id}`)).status).toBe(404);
    expect((await other('PATCH', `/products/${seat.id}`, { name: 'x' })).status).toBe(404);
    expect((await other('GET', `/price-books/${book.id}`)).status).toBe(404);
    expect((await other('PUT', `/price-books/${book.id}`, { name: 'x', active: true, prices: [] })).status).toBe(404);
    // a product of another tenant cannot be priced
    expect(
      (await other('POST', '/price-books', { name: 'x', prices: [{ productId: seat.id, currency: 'EUR', unitAmount: 1 }] })).status,
    ).toBe(422);
    for (const role of ['marketing', 'analyst', 'support'] as const) {
      expect((await as(tenant, role)('POST', '/products', { sku: 'NO', name: 'No', taxRateBp: 0 })).status, role).toBe(403);
      expect((await as(tenant, role)('PUT', `/price-books/${book.id}`, { name: 'x', active: true, prices: [] })).status, role).toBe(403);
    }
    expect((await as(tenant, 'marketing')('GET', `/products/${seat.id}`)).status).toBe(403);
    expect((await as(tenant, 'support')('GET', `/price-books/${book.id}`)).body).toMatchObject({ isDefault: true, version: 1 });
    const second = await as(tenant, 'sales')('POST', '/price-books', { name: 'Partners' });
    expect(second.body.isDefault).toBe(false);
  });
});

describe('quotes', () => {
  it('prices a quote on the server, versions it and keeps earlier versions as they were', async () => {
    const tenant = uniqueTenant('quotes');
    const sales = as(tenant, 'sales');
    const { deal, seat, book } = await setUp(tenant);
    const seen: string[] = [];
    const stop = rt.bus.onEvent(
      (e) => e.detail.tenantId === tenant && String(e['detail-type']).startsWith('quote.') && seen.push(String(e['detail-type'])),
    );

    const body = { dealId: deal.id, lines: [{ productId: seat.id, quantity: 3, discount: { percentBp: 1000 } }] };
    const made = await sales('POST', '/quotes', body, { 'idempotency-key': 'q-1' });
    expect(made.status).toBe(201);
    expect(made.headers.get('location')).toBe(`/quotes/${made.body.id}`);
    expect(made.body).toMatchObject({
      status: 'draft',
      number: 1,
      currency: 'EUR',
      priceBookId: book.id,
      totals: { net: 8999, tax: 1800, total: 10799 },
    });
    const replay = await sales('POST', '/quotes', body, { 'idempotency-key': 'q-1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(made.body.id);
    expect((await sales('GET', `/quotes?dealId=${deal.id}`)).body.items).toHaveLength(1);

    const id = made.body.id;
    const v2 = await sales(
      'PUT',
      `/quotes/${id}`,
      { lines: [{ productId: seat.id, quantity: 1, unitPrice: { amount: 2500, currency: 'EUR' } }] },
      { 'if-match': '"1"' },
    );
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ number: 2, version: 2, totals: { net: 2500, tax: 500, total: 3000 } });
    expect((await sales('PUT', `/quotes/${id}`, { lines: body.lines }, { 'if-match': '"1"' })).status).toBe(412);
    expect((await as(tenant, 'analyst')('GET', `/quotes/${id}/versions/1`)).body.totals).toEqual({ net: 8999, tax: 1800, total: 10799 });
    expect((await sales('GET', `/quotes/${id}/versions`)).body.items.map((v: any) => v.number)).toEqual([1, 2]);
    expect((await sales('GET', `/quotes/${id}/versions/3`)).status).toBe(404);

    expect((await sales('PATCH', `/quotes/${id}`, { status: 'accepted' })).status).toBe(409); // a draft is sent first
    expect((await sales('PATCH', `/quotes/${id}`, { status: 'sent' }, { 'if-match': '"2"' })).body.status).toBe('sent');
    expect((await sales('PATCH', `/quotes/${id}`, { status: 'declined' })).body).toMatchObject({ status: 'declined', version: 4 });
    expect((await sales('PUT', `/quotes/${id}`, { lines: body.lines })).status).toBe(409);
    await rt.settle();
    stop();
    expect(seen).toEqual(['quote.created', 'quote.updated', 'quote.sent', 'quote.declined']);
  });

  it('refuses bad lines with nothing written, and keeps tenants and roles apart', async () => {
    const tenant = uniqueTenant('quotes-bad');
    const sales = as(tenant, 'sales');
    const { deal, seat } = await setUp(tenant);
    expect((await sales('POST', '/quotes', { dealId: deal.id, lines: [{ productId: seat.id, quantity: 0 }] })).status).toBe(400);
    expect((await sales('POST', '/quotes', { dealId: deal.id, lines: [] })).status).toBe(400);
    const mixed = await sales('POST', '/quotes', {
      dealId: deal.id,
      lines: [
        { productId: seat.id, quantity: 1 },
        { productId: seat.id, quantity: 1, unitPrice: { amount: 100, currency: 'USD' } },
      ],
      currency: 'EUR',
    });
    expect(mixed.status).toBe(422);
    expect(mixed.body.errors).toHaveProperty(['body.lines.1.unitPrice']);
    const tooMuch = await sales('POST', '/quotes', {
      dealId: deal.id,
      lines: [{ productId: seat.id, quantity: 1, discount: { amount: 5000 } }],
    });
    expect(tooMuch.status).toBe(422);
    expect((await sales('GET', `/quotes?dealId=${deal.id}`)).body.items).toEqual([]);

    const { body: quote } = await sales('POST', '/quotes', { dealId: deal.id, lines: [{ productId: seat.id, quantity: 1 }] });
    const other = as(uniqueTenant('quotes-other'), 'admin');
    expect((await other('GET', `/quotes/${quote.id}`)).status).toBe(404);
    expect((await other('PATCH', `/quotes/${quote.id}`, { status: 'sent' })).status).toBe(404);
    expect((await other('GET', `/quotes/${quote.id}/versions/1`)).status).toBe(404);
    expect((await other('GET', `/quotes/${quote.id}/versions`)).status).toBe(404);
    expect((await other('POST', '/quotes', { dealId: deal.id, lines: [{ productId: seat.id, quantity: 1 }] })).status).toBe(422);
    for (const role of ['marketing', 'analyst', 'support'] as const)
      expect(
        (await as(tenant, role)('POST', '/quotes', { dealId: deal.id, lines: [{ productId: seat.id, quantity: 1 }] })).status,
        role,
      ).toBe(403);
    expect((await as(tenant, 'marketing')('GET', `/quotes/${quote.id}`)).status).toBe(403);
    expect((await as(tenant, 'support')('GET', `/quotes/${quote.id}`)).status).toBe(200);
  });

  it('never lets a price a quote uses leave its book, only be deactivated', async () => {
    const tenant = uniqueTenant('quotes-prices');
    const admin = as(tenant, 'admin');
    const { deal, seat, book } = await setUp(tenant);
    const { body: spare } = await admin('POST', '/products', { sku: 'SPARE', name: 'Spare', taxRateBp: 0 });
    const prices = [
      { productId: seat.id, currency: 'EUR', unitAmount: 3333, active: true },
      { productId: spare.id, currency: 'EUR', unitAmount: 100, active: true },
    ];
    const withSpare = await admin('PUT', `/price-books/${book.id}`, { name: 'List', active: true, prices }, { 'if-match': '"1"' });
    expect(withSpare.status).toBe(200);
    expect((await admin('POST', '/quotes', { dealId: deal.id, lines: [{ productId: seat.id, quantity: 2 }] })).status).toBe(201);

    const removed = await admin(
      'PUT',
      `/price-books/${book.id}`,
      { name: 'List', active: true, prices: [prices[1]] },
      { 'if-match': '"2"' },
    );
    expect(removed.status).toBe(409);
    expect(removed.body.pricesInUse).toEqual([{ productId: seat.id, currency: 'EUR', quotes: 1 }]);
    // an unused price may go; the used one stays, deactivated
    const off = await admin(
      'PUT',
      `/price-books/${book.id}`,
      { name: 'List', active: true, prices: [{ ...prices[0], active: false }] },
      { 'if-match': '"2"' },
    );
    expect(off.status).toBe(200);
    expect(off.body.prices).toEqual([{ ...prices[0], active: false }]);
    const unpriced = await admin('POST', '/quotes', { dealId: deal.id, lines: [{ productId: seat.id, quantity: 1 }] });
    expect(unpriced.status).toBe(422);
    expect(unpriced.body.errors).toHaveProperty(['body.lines.0.unitPrice']);
  });

  it('emails a signed link to a page where the customer accepts once, and the deal moves to won', async () => {
    const tenant = uniqueTenant('quotes-send');
    const sales = as(tenant, 'sales');
    const { contact, deal, seat } = await setUp(tenant);
    const seen: string[] = [];
    const stop = rt.bus.onEvent(
      (e) =>
        e.detail.tenantId === tenant &&
        /^(quote|deal)\.(accepted|sent|won)/.test(String(e['detail-type'])) &&
        seen.push(String(e['detail-type'])),
    );
    const { body: quote } = await sales('POST', '/quotes', {
      dealId: deal.id,
      winDealOnAccept: true,
      lines: [{ productId: seat.id, quantity: 3, discount: { percentBp: 1000 } }],
    });
    const other = as(uniqueTenant('quotes-send-other'), 'sales');
    expect((await other('POST', `/quotes/${quote.id}/send`)).status).toBe(404);
    expect((await as(tenant, 'analyst')('POST', `/quotes/${quote.id}/send`)).status).toBe(403);
    const sent = await sales('POST', `/quotes/${quote.id}/send`);
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('sent');
    expect((await sales('POST', `/quotes/${quote.id}/send`)).body.version).toBe(sent.body.version); // once per version
    const emails = rt.outbox.messages().filter((m) => m.channel === 'email' && m.email.to === contact.email);
    expect(emails).toHaveLength(1);
    const link = emails[0]!.channel === 'email' ? /https?:\/\/\S+\/q\/[\w.-]+/.exec(emails[0]!.email.text ?? '')?.[0] : undefined;
    expect(emails[0]!.channel === 'email' && emails[0]!.email.text).toContain('€107.99');
    const path = new URL(link!).pathname;

    const page = await fetch(`${rt.url}${path}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('€107.99');
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=accept' };
    const accepted = await fetch(`${rt.url}${path}`, form);
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain('You accepted this quote');
    const again = await fetch(`${rt.url}${path}`, { ...form, body: 'decision=decline' });
    expect(again.status).toBe(409);
    expect((await sales('GET', `/quotes/${quote.id}`)).body).toMatchObject({ status: 'accepted' });
    // The deal is won by the deals context's subscriber to quote.accepted, not by the page's request.
    await eventually(async () => expect((await sales('GET', `/deals/${deal.id}`)).body).toMatchObject({ status: 'won', stageId: 'won' }));
    const broken = await fetch(`${rt.url}${path.slice(0, -3)}`);
    expect(broken.status).toBe(400);
    await rt.settle();
    stop();
    expect(seen).toEqual(['quote.sent', 'quote.accepted', 'deal.won']);
  });
});
