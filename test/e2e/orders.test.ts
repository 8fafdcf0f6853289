import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../infra/local/bus.ts';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

const rt = useTestRuntime();
const as =
  (tenant: string, role: Role, user = `${role}-user`) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], user))(...args);

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const lines = [
  { sku: 'MUG', name: 'Mug', quantity: 2, unitAmount: 1250, taxAmount: 475 },
  { sku: 'TEA', name: 'Tea', quantity: 1, unitAmount: 800 },
];

const contactOf = async (tenant: string, extra: Record<string, unknown> = {}) =>
  (await as(tenant, 'admin')('POST', '/contacts', { firstName: 'Ada', ...extra })).body as { id: string };

describe('orders', () => {
  it('places an order, answers a repeated sourceId with the same order, and moves it through its statuses', async () => {
    const tenant = uniqueTenant('orders');
    const sales = as(tenant, 'sales', 'rep-1');
    const contact = await contactOf(tenant);
    const body = { contactId: contact.id, currency: 'EUR', lineItems: lines, sourceId: 'shop-1001', total: eur(3775) };

    const created = await sales('POST', '/orders', body);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/orders/${created.body.id}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({
      status: 'pending',
      contactId: contact.id,
      sourceId: 'shop-1001',
      subtotal: eur(3300),
      tax: eur(475),
      total: eur(3775),
      createdBy: 'rep-1',
    });

    const duplicate = await sales('POST', '/orders', body);
    expect(duplicate.status).toBe(200);
    expect(duplicate.body).toEqual(created.body);
    expect((await as(tenant, 'analyst')('GET', `/orders/${created.body.id}`)).body).toEqual(created.body);

    const bad = await sales('POST', '/orders', { ...body, sourceId: 'shop-1002', total: eur(1) });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.errors)).toEqual(['body.total']);
    expect((await sales('POST', '/orders', { ...body, sourceId: undefined, contactId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })).status).toBe(422);

    const id = created.body.id;
    expect((await sales('PATCH', `/orders/${id}`, { status: 'paid' }, { 'if-match': '"7"' })).status).toBe(412);
    const paid = await sales('PATCH', `/orders/${id}`, { status: 'paid' }, { 'if-match': '"1"' });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', version: 2 });
    expect(paid.headers.get('etag')).toBe('"2"');

    const illegal = await sales('PATCH', `/orders/${id}`, { status: 'pending' });
    expect(illegal.status).toBe(409);
    expect(illegal.headers.get('content-type')).toBe('application/problem+json');
    expect(illegal.body).toMatchObject({ currentStatus: 'paid', allowed: ['fulfilled', 'cancelled', 'refunded', 'partially_refunded'] });

    const tooMuch = await sales('PATCH', `/orders/${id}`, { status: 'partially_refunded', refundedAmount: 5000 });
    expect(tooMuch.status).toBe(422);
    expect(Object.keys(tooMuch.body.errors)).toEqual(['body.refundedAmount']);
    expect((await sales('GET', `/orders/${id}`)).body.version).toBe(2);

    const shipped = await sales('PATCH', `/orders/${id}`, { status: 'fulfilled' });
    expect(shipped.body).toMatchObject({ status: 'fulfilled', fulfilledAt: expect.any(String) });
    expect((await sales('PATCH', `/orders/${id}`, { status: 'cancelled' })).body.allowed).toEqual(['refunded', 'partially_refunded']);
  });

  it('lists purchase history newest first, a page at a time, for a contact and a company', async () => {
    const tenant = uniqueTenant('orders-history');
    const sales = as(tenant, 'sales');
    const company = (await sales('POST', '/companies', { name: 'Acme' })).body as { id: string };
    const contact = await contactOf(tenant, { companyId: company.id });
    const other = await contactOf(tenant);
    const place = async (contactId: string, sku: string, companyId?: string) =>
      (await sales('POST', '/orders', { contactId, companyId, currency: 'EUR', lineItems: [{ ...lines[0], sku }] })).body.id as string;
    const a = await place(contact.id, 'A', company.id);
    const b = await place(contact.id, 'B');
    const c = await place(other.id, 'C', company.id);
    const d = await place(contact.id, 'D', company.id);

    const support = as(tenant, 'support');
    const first = await support('GET', `/contacts/${contact.id}/orders?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((o: { id: string }) => o.id)).toEqual([d, b]);
    const rest = await support('GET', `/contacts/${contact.id}/orders?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(rest.body.items.map((o: { id: string }) => o.id)).toEqual([a]);
    expect(rest.body.nextCursor).toBeUndefined();
    const companyPage = await as(tenant, 'analyst')('GET', `/companies/${company.id}/orders`);
    expect(companyPage.body.items.map((o: { id: string }) => o.id)).toEqual([d, c, a]);

    const lonely = await contactOf(tenant);
    expect((await support('GET', `/contacts/${lonely.id}/orders`)).body).toEqual({ items: [] });
    expect((await support('GET', '/contacts/01ARZ3NDEKTSV4RRFFQ69G5FAV/orders')).status).toBe(404);
    expect((await support('GET', '/companies/01ARZ3NDEKTSV4RRFFQ69G5FAV/orders')).status).toBe(404);
    // The contact's other routes are untouched beside the new one.
    expect((await support('GET', `/contacts/${contact.id}/activities`)).status).toBe(200);
  });

  it('keeps lifetime value and order count on the contact, once per order event', async () => {
    const tenant = uniqueTenant('orders-ltv');
    const sales = as(tenant, 'sales');
    const contact = await contactOf(tenant);
    const placedEvents: BusEvent[] = [];
    const stop = rt.bus.onEvent((e) => e.detail.tenantId === tenant && e['detail-type'] === 'order.placed' && placedEvents.push(e));

    const first = (await sales('POST', '/orders', { contactId: contact.id, currency: 'EUR', lineItems: lines })).body;
    const second = (
      await sales('POST', '/orders', {
        contactId: contact.id,
        currency: 'EUR',
        lineItems: [{ sku: 'X', name: 'X', quantity: 1, unitAmount: 1000 }],
      })
    ).body;
    await rt.settle();
    const figures = async () => {
      const { body } = await sales('GET', `/contacts/${contact.id}`);
      return { lifetimeValue: body.lifetimeValue, orderCount: body.orderCount, lastOrderAt: body.lastOrderAt };
    };
    expect(await figures()).toMatchObject({ lifetimeValue: { EUR: 4775 }, orderCount: 2, lastOrderAt: expect.any(String) });

    await sales('PATCH', `/orders/${first.id}`, { status: 'paid' });
    await sales('PATCH', `/orders/${first.id}`, { status: 'partially_refunded', refundedAmount: 775 });
    await sales('PATCH', `/orders/${second.id}`, { status: 'cancelled' });
    await rt.settle();
    expect(await figures()).toMatchObject({ lifetimeValue: { EUR: 3000 }, orderCount: 1 });

    // A redelivered order.placed (at-least-once delivery) counts nothing more.
    stop();
    const redelivery = placedEvents.find((e) => (e.detail.data as { orderId: string }).orderId === first.id)!;
    expect(redelivery).toBeDefined();
    await rt.bus.publish([{ Source: 'rapport', DetailType: 'order.placed', Detail: JSON.stringify(redelivery.detail) }]);
    await rt.bus.publish([{ Source: 'rapport', DetailType: 'order.placed', Detail: JSON.stringify(redelivery.detail) }]);
    await rt.settle();
    expect(await figures()).toMatchObject({ lifetimeValue: { EUR: 3000 }, orderCount: 1 });

    // An integration's order.placed through POST /events counts too, once for a resend with the same sourceId.
    const ingested = {
      type: 'order.placed',
      sourceId: 'shop-77',
      data: { orderId: 'shop-77', contactId: contact.id, total: { amount: 500, currency: 'USD' } },
    };
    expect((await as(tenant, 'admin')('POST', '/events', ingested)).status).toBe(202);
    expect((await as(tenant, 'admin')('POST', '/events', ingested)).status).toBe(200);
    await rt.settle();
    expect(await figures()).toMatchObject({ lifetimeValue: { EUR: 3000, USD: 500 }, orderCount: 2 });
    expect(rt.bus.deadLetters.filter((d) => d.event.detail.tenantId === tenant)).toEqual([]);
  });

  it('emits order events in the catalog’s shapes', async () => {
    const tenant = uniqueTenant('orders-events');
    const seen: { type: string; data: Record<string, unknown> }[] = [];
    const stop = rt.bus.onEvent(
      (e) => e.detail.tenantId === tenant && String(e['detail-type']).startsWith('order.') && seen.push(e.detail as never),
    );
    const sales = as(tenant, 'sales');
    const contact = await contactOf(tenant);
    const { body: order } = await sales('POST', '/orders', { contactId: contact.id, currency: 'EUR', lineItems: lines, sourceId: 'S-1' });
    await sales('PATCH', `/orders/${order.id}`, { status: 'paid' });
    await sales('PATCH', `/orders/${order.id}`, { status: 'fulfilled' });
    await sales('PATCH', `/orders/${order.id}`, { status: 'refunded' });
    await rt.settle();
    stop();
    expect(seen.map((e) => e.type)).toEqual(['order.placed', 'order.paid', 'order.fulfilled', 'order.refunded']);
    expect(seen[0]!.data).toMatchObject({ orderId: order.id, contactId: contact.id, total: eur(3775), sourceId: 'S-1', tax: eur(475) });
    expect(seen[3]!.data).toMatchObject({ status: 'refunded', amount: eur(3775), refundedAmount: eur(3775) });
  });

  it('keeps tenants apart and lets only sales and admins write', async () => {
    const tenant = uniqueTenant('orders-access');
    const contact = await contactOf(tenant);
    const { body: order } = await as(tenant, 'admin')('POST', '/orders', { contactId: contact.id, currency: 'EUR', lineItems: lines });
    const other = uniqueTenant('orders-other');
    expect((await as(other, 'admin')('GET', `/orders/${order.id}`)).status).toBe(404);
    expect((await as(other, 'admin')('PATCH', `/orders/${order.id}`, { status: 'paid' })).status).toBe(404);
    expect((await as(other, 'admin')('GET', `/contacts/${contact.id}/orders`)).status).toBe(404);
    expect((await as(other, 'admin')('POST', '/orders', { contactId: contact.id, currency: 'EUR', lineItems: lines })).status).toBe(422);

    for (const role of ['analyst', 'support', 'marketing'] as const) {
      expect((await as(tenant, role)('POST', '/orders', { contactId: contact.id, currency: 'EUR', lineItems: lines })).status).toBe(403);
      expect((await as(tenant, role)('PATCH', `/orders/${order.id}`, { status: 'paid' })).status).toBe(403);
    }
    expect((await as(tenant, 'marketing')('GET', `/orders/${order.id}`)).status).toBe(403);
    expect((await as(tenant, 'marketing')('GET', `/contacts/${contact.id}/orders`)).status).toBe(403);
    expect((await as(tenant, 'support')('GET', `/orders/${order.id}`)).body.status).toBe('pending');
    const { body: list } = await as(tenant, 'admin')('GET', `/contacts/${contact.id}/orders`);
    expect(list.items).toHaveLength(1);
  });
});
