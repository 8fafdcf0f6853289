import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { contactEventHandlers } from '../../functions/contacts/subscriber.ts';
import { allowedFrom, orderFromQuote, totalsErrors, totalsOf, transition } from '../../functions/orders/rules.ts';
import { createOrderBody, type Order, type OrderStatus, updateOrderBody } from '../../functions/orders/schemas.ts';
import { orderService } from '../../functions/orders/service.ts';
import type { Quote } from '../../functions/quotes/api.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { systemActor } from '../../shared/domain/actor.ts';
import { DomainError } from '../../shared/errors.ts';
import type { ConsumedEvent, EventType } from '../../shared/events/catalog.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { Reply } from '../../shared/http/reply.ts';
import { systemClock, useClock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { memoryContacts } from '../support/fakes/contacts.ts';
import { fakeOrderRepository } from '../support/fakes/orders.ts';

const tenantId = 'acme';
const ctx: RequestContext = { tenantId, userId: 'rep-1', roles: ['sales'] };
const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));
const none = { params: undefined, query: undefined, body: undefined } as const;

let fake: ReturnType<typeof fakeOrderRepository>;
let service: ReturnType<typeof orderService>;
let contactId: string;

beforeEach(() => {
  useClock(clock);
  fake = fakeOrderRepository();
  service = orderService(fake.repo, fake.refs);
  contactId = newId();
  fake.addContact(tenantId, contactId);
});
afterAll(() => useClock(systemClock));

const lines = [
  { sku: 'MUG', name: 'Mug', quantity: 2, unitAmount: 1250, taxAmount: 475 },
  { sku: 'TEA', name: 'Tea', quantity: 1, unitAmount: 800 },
];

const rejection = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
};

const place = (fields: Record<string, unknown> = {}) =>
  service.createOrder({ ...none, body: createOrderBody.parse({ contactId, currency: 'EUR', lineItems: lines, ...fields }) }, ctx);
const placed = async (fields: Record<string, unknown> = {}) => (await place(fields)) as Order;
const move = (order: Order, body: Record<string, unknown>, ifMatch?: number) =>
  service.updateOrder({ ...none, params: { id: order.id }, body: updateOrderBody.parse(body), ifMatch }, ctx) as Promise<Order>;

describe('order totals', () => {
  it('adds quantity × unit amount and the lines’ tax in minor units', () => {
    expect(totalsOf(createOrderBody.parse({ contactId: newId(), currency: 'EUR', lineItems: lines }).lineItems)).toEqual({
      subtotal: 3300,
      tax: 475,
      total: 3775,
    });
  });

  it('places a pending order with computed totals and order.placed in the catalog’s shape', async () => {
    const order = await placed({ total: { amount: 3775, currency: 'EUR' } });
    expect(order).toMatchObject({
      status: 'pending',
      version: 1,
      subtotal: { amount: 3300, currency: 'EUR' },
      tax: { amount: 475, currency: 'EUR' },
      total: { amount: 3775, currency: 'EUR' },
      createdBy: 'rep-1',
    });
    expect(fake.events.map((e) => e.type)).toEqual(['order.placed']);
    expect(fake.events[0]!.data).toMatchObject({
      orderId: order.id,
      contactId,
      total: { amount: 3775, currency: 'EUR' },
      items: [
        { sku: 'MUG', quantity: 2, price: { amount: 1250, currency: 'EUR' } },
        { sku: 'TEA', quantity: 1, price: { amount: 800, currency: 'EUR' } },
      ],
    });
  });

  it('refuses a given total that the lines do not make, and unknown references, writing nothing', async () => {
    const wrong = await rejection(place({ total: { amount: 3000, currency: 'EUR' } }));
    expect(wrong.kind).toBe('unprocessable');
    expect((await rejection(place({ contactId: newId() }))).message).toMatch(/contact/);
    expect((await rejection(place({ companyId: newId() }))).message).toMatch(/company/);
    expect((await rejection(place({ dealId: newId() }))).message).toMatch(/deal/);
    expect(fake.orders.size).toBe(0);
    expect(fake.events).toEqual([]);
  });
});

describe('sourceId dedupe', () => {
  it('answers a repeated sourceId with the first order (200) and writes nothing more', async () => {
    const first = await placed({ sourceId: 'shop-1001' });
    const again = await place({ sourceId: 'shop-1001' });
    expect(again).toBeInstanceOf(Reply);
    expect((again as Reply).status).toBe(200);
    expect((again as Reply).body).toEqual(first);
    expect(fake.orders.size).toBe(1);
    expect(fake.events).toHaveLength(1);
    expect(((await place({ sourceId: 'shop-1002' })) as Order).id).not.toBe(first.id);
  });

  it('makes one order when two posts of the same sourceId race', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived = 0;
    fake.hooks.beforeCreate = async () => {
      if (++arrived === 2) release();
      await gate;
    };
    const [a, b] = await Promise.all([place({ sourceId: 'race' }), place({ sourceId: 'race' })]);
    const ids = [a, b].map((r) => (r instanceof Reply ? (r.body as Order).id : (r as Order).id));
    expect(new Set(ids).size).toBe(1);
    expect(fake.orders.size).toBe(1);
    expect([a, b].filter((r) => r instanceof Reply)).toHaveLength(1);
  });

  it('makes one order per accepted quote, taking its totals as given when they add up', async () => {
    const input = {
      tenantId,
      quoteId: 'Q-1',
      contactId,
      currency: 'EUR',
      lineItems: [{ sku: 'SEAT', name: 'Seat', quantity: 10, unitAmount: 1000, taxAmount: 1710 }],
      totals: { subtotal: 10000, discount: 1000, tax: 1710, total: 10710 },
      actor: systemActor('quotes', 'Q-1'),
    };
    const first = await service.createFromQuote(input);
    expect(first.created).toBe(true);
    expect(first.order).toMatchObject({ quoteId: 'Q-1', discount: { amount: 1000 }, total: { amount: 10710 }, createdBy: 'quotes:Q-1' });
    const retried = await service.createFromQuote(input);
    expect(retried).toEqual({ order: first.order, created: false });
    const bad = await rejection(service.createFromQuote({ ...input, quoteId: 'Q-2', totals: { ...input.totals, total: 99 } }));
    expect(bad.extra?.errors).toHaveProperty(['totals.total']);
    expect(fake.orders.size).toBe(1);
  });
});

describe('status transitions', () => {
  const at = (status: OrderStatus, refunded?: number): Order => ({
    ...({} as Order),
    status,
    total: { amount: 5000, currency: 'EUR' },
    ...(refunded ? { refundedAmount: { amount: refunded, currency: 'EUR' } } : {}),
  });

  it('allows exactly the documented moves', () => {
    const all: OrderStatus[] = ['pending', 'paid', 'fulfilled', 'cancelled', 'refunded', 'partially_refunded'];
    const legal = (from: OrderStatus) =>
      all.filter((to) => {
        const body = to === 'partially_refunded' ? { status: to, refundedAmount: 4000 } : { status: to };
        return transition(at(from, from === 'partially_refunded' ? 1000 : undefined), body).kind === 'move';
      });
    expect(legal('pending')).toEqual(['paid', 'cancelled']);
    expect(legal('paid')).toEqual(['fulfilled', 'cancelled', 'refunded', 'partially_refunded']);
    expect(legal('fulfilled')).toEqual(['refunded', 'partially_refunded']);
    expect(legal('partially_refunded')).toEqual(['refunded', 'partially_refunded']);
    expect(legal('cancelled')).toEqual([]);
    expect(legal('refunded')).toEqual([]);
    expect(allowedFrom('fulfilled')).toEqual(['refunded', 'partially_refunded']);
  });

  it('keeps refunds within the total and cumulative', () => {
    expect(transition(at('paid'), { status: 'partially_refunded', refundedAmount: 5001 })).toMatchObject({ kind: 'invalid' });
    expect(transition(at('paid'), { status: 'partially_refunded', refundedAmount: 5000 })).toMatchObject({ kind: 'invalid' });
    expect(transition(at('paid'), { status: 'partially_refunded' })).toMatchObject({ kind: 'invalid' });
    expect(transition(at('paid'), { status: 'partially_refunded', refundedAmount: 0 })).toMatchObject({ kind: 'invalid' });
    expect(transition(at('paid'), { status: 'refunded', refundedAmount: 4000 })).toMatchObject({ kind: 'invalid' });
    expect(transition(at('paid'), { status: 'fulfilled', refundedAmount: 10 })).toMatchObject({ kind: 'invalid' });
    expect(transition(at('partially_refunded', 2000), { status: 'partially_refunded', refundedAmount: 1500 })).toMatchObject({
      kind: 'invalid',
    });
    expect(transition(at('partially_refunded', 2000), { status: 'partially_refunded', refundedAmount: 2000 })).toEqual({ kind: 'same' });
    expect(transition(at('partially_refunded', 2000), { status: 'partially_refunded', refundedAmount: 3000 })).toEqual({
      kind: 'move',
      refundedAmount: 3000,
      refunded: 1000,
    });
    expect(transition(at('partially_refunded', 2000), { status: 'refunded' })).toEqual({
      kind: 'move',
      refundedAmount: 5000,
      refunded: 3000,
    });
  });

  it('moves an order with its events, refuses illegal moves with 409 naming the allowed ones, and honours If-Match', async () => {
    const order = await placed();
    const paid = await move(order, { status: 'paid' }, 1);
    expect(paid).toMatchObject({ status: 'paid', version: 2, paidAt: clock.now().toISOString() });
    expect((await rejection(move(order, { status: 'fulfilled' }, 1))).kind).toBe('precondition-failed');
    const back = await rejection(move(paid, { status: 'pending' }));
    expect(back.kind).toBe('conflict');
    expect(back.extra).toMatchObject({ currentStatus: 'paid', allowed: ['fulfilled', 'cancelled', 'refunded', 'partially_refunded'] });
    expect(back.message).toContain('allowed: fulfilled, cancelled, refunded, partially_refunded');
    expect(await move(paid, { status: 'paid' })).toEqual(paid);
    const partly = await move(paid, { status: 'partially_refunded', refundedAmount: 1000 });
    expect(partly.refundedAmount).toEqual({ amount: 1000, currency: 'EUR' });
    const full = await move(partly, { status: 'refunded' });
    expect(full).toMatchObject({ status: 'refunded', refundedAmount: { amount: 3775 }, version: 4 });
    const final = await rejection(move(full, { status: 'paid' }));
    expect(final.extra).toMatchObject({ allowed: [] });
    expect(fake.events.map((e) => [e.type, e.data.status, (e.data.amount as { amount: number } | undefined)?.amount])).toEqual([
      ['order.placed', undefined, undefined],
      ['order.paid', 'paid', undefined],
      ['order.refunded', 'partially_refunded', 1000],
      ['order.refunded', 'refunded', 2775],
    ]);
    expect(fake.events.at(-1)!.data.refundedAmount).toEqual({ amount: 3775, currency: 'EUR' });
  });

  it('cancels a pending order, not a fulfilled one', async () => {
    const cancelled = await move(await placed(), { status: 'cancelled', reason: 'out of stock' });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'out of stock' });
    const shipped = await move(await move(await placed(), { status: 'paid' }), { status: 'fulfilled' });
    expect((await rejection(move(shipped, { status: 'cancelled' }))).extra).toMatchObject({ allowed: ['refunded', 'partially_refunded'] });
  });
});

describe('purchase history', () => {
  it('lists a contact’s and a company’s orders newest first; an unknown one is 404', async () => {
    const companyId = newId();
    fake.addCompany(tenantId, companyId);
    const made = [await placed({ companyId }), await placed(), await placed({ companyId })];
    const mine = (await service.contactOrders({ ...none, params: { id: contactId }, query: { limit: 2 } }, ctx)) as { items: Order[] };
    expect(mine.items.map((o) => o.id)).toEqual([made[2]!.id, made[1]!.id]);
    const theirs = (await service.companyOrders({ ...none, params: { id: companyId }, query: { limit: 25 } }, ctx)) as { items: Order[] };
    expect(theirs.items.map((o) => o.id)).toEqual([made[2]!.id, made[0]!.id]);
    expect((await rejection(service.contactOrders({ ...none, params: { id: newId() }, query: { limit: 25 } }, ctx))).kind).toBe(
      'not-found',
    );
    const other = newId();
    fake.addContact(tenantId, other);
    expect(await service.contactOrders({ ...none, params: { id: other }, query: { limit: 25 } }, ctx)).toEqual({ items: [] });
  });
});

describe("a contact's lifetime figures", () => {
  const event = <T extends EventType>(type: T, data: ConsumedEvent<T>['data'], id = newId()): ConsumedEvent<T> =>
    ({ id, type, version: 1, tenantId, occurredAt: '2026-06-01T10:00:00.000Z', data }) as ConsumedEvent<T>;

  it('adds placed orders per currency once, and takes back cancellations and refunds once', async () => {
    const store = memoryContacts();
    const handlers = contactEventHandlers(store.repo);
    const id = newId();
    store.contacts.set(`${tenantId}|${id}`, { id, version: 1, lastEngagedAt: '2026-01-01T00:00:00.000Z' } as never);
    const figures = () => {
      const c = store.contacts.get(`${tenantId}|${id}`)!;
      return { lifetimeValue: c.lifetimeValue, orderCount: c.orderCount };
    };
    const eur = (amount: number) => ({ amount, currency: 'EUR' });
    const first = event('order.placed', { orderId: 'o1', contactId: id, total: eur(5000) });
    await handlers['order.placed'](first);
    await handlers['order.placed'](first);
    await handlers['order.placed'](event('order.placed', { orderId: 'o1', contactId: id, total: eur(5000) }));
    expect(figures()).toEqual({ lifetimeValue: { EUR: 5000 }, orderCount: 1 });
    await handlers['order.placed'](event('order.placed', { orderId: 'o2', contactId: id, total: { amount: 900, currency: 'USD' } }));
    await handlers['order.placed'](event('order.placed', { orderId: 'o3', contactId: id, total: eur(2000) }));
    const refund = event('order.refunded', {
      orderId: 'o1',
      contactId: id,
      status: 'partially_refunded',
      total: eur(5000),
      amount: eur(1500),
      refundedAmount: eur(1500),
    });
    await handlers['order.refunded'](refund);
    await handlers['order.refunded'](refund);
    const cancel = event('order.cancelled', { orderId: 'o3', contactId: id, status: 'cancelled', total: eur(2000) });
    await handlers['order.cancelled'](cancel);
    await handlers['order.cancelled'](cancel);
    expect(figures()).toEqual({ lifetimeValue: { EUR: 3500, USD: 900 }, orderCount: 2 });
    await handlers['order.placed'](event('order.placed', { orderId: 'o9', contactId: newId(), total: eur(1) }));
    expect(figures()).toEqual({ lifetimeValue: { EUR: 3500, USD: 900 }, orderCount: 2 });
  });
});

describe('the order of an accepted quote', () => {
  it('takes its lines and totals, a fractional quantity as one unit at its gross amount', () => {
    const line = (sku: string, quantity: number, unitAmount: number, gross: number, discount: number, tax: number) => ({
      productId: sku,
      sku,
      name: sku,
      quantity,
      unitAmount,
      priceFrom: 'price_book' as const,
      taxRateBp: 2000,
      grossAmount: gross,
      discountAmount: discount,
      netAmount: gross - discount,
      taxAmount: tax,
      totalAmount: gross - discount + tax,
    });
    const quote = {
      id: 'Q-1',
      dealId: 'D-1',
      currency: 'EUR',
      lines: [line('SEAT', 3, 3333, 9999, 1000, 1800), line('HOURS', 1.5, 10000, 15000, 0, 3000)],
      totals: { net: 23999, tax: 4800, total: 28799 },
    } as unknown as Quote;
    const made = orderFromQuote(quote);
    expect(made.lineItems).toEqual([
      { sku: 'SEAT', name: 'SEAT', quantity: 3, unitAmount: 3333, taxAmount: 1800 },
      { sku: 'HOURS', name: 'HOURS × 1.5', quantity: 1, unitAmount: 15000, taxAmount: 3000 },
    ]);
    expect(made.totals).toEqual({ subtotal: 24999, discount: 1000, tax: 4800, total: 28799 });
    expect(totalsErrors(made.totals)).toEqual({});
    expect(made).toMatchObject({ quoteId: 'Q-1', dealId: 'D-1', currency: 'EUR' });
  });
});
