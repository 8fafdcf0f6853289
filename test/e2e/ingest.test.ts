import { describe, expect, it } from 'vitest';
import { contactRepository } from '../../functions/contacts/repository.ts';
import { uniqueTenant } from './api-client.ts';
import { useRuntime } from './harness.ts';

const rt = useRuntime();

describe('POST /events (trusted integrations)', () => {
  it('publishes a validated event once, even when the source resends it', async () => {
    const tenant = uniqueTenant('ingest');
    const api = rt.api(tenant, 'admin');
    const types: string[] = [];
    const stop = rt.onEvent((e) => e.detail.tenantId === tenant && types.push(e['detail-type']));
    const { body: contact } = await api('POST', '/contacts', { email: 'buyer@example.com' });

    const order = {
      type: 'order.placed',
      sourceId: 'shop-1001',
      occurredAt: '2026-11-20T10:00:00+01:00',
      data: { orderId: '1001', contactId: contact.id, total: { amount: 4999, currency: 'EUR' } },
    };
    const first = await api('POST', '/events', order);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ type: 'order.placed', duplicate: false });
    const resend = await api('POST', '/events', order);
    expect(resend.status).toBe(200);
    expect(resend.body).toEqual({ id: first.body.id, type: 'order.placed', duplicate: true });
    await rt.settle();
    stop();
    expect(types).toEqual(['contact.created', 'order.placed']);
  });

  it('refuses a sourceId reused with another body, and still recognises the same body in any key order', async () => {
    const tenant = uniqueTenant('ingest-reuse');
    const api = rt.api(tenant, 'admin');
    const orders: unknown[] = [];
    const stop = rt.onEvent((e) => e.detail.tenantId === tenant && e['detail-type'] === 'order.placed' && orders.push(e.detail.data));
    const { body: contact } = await api('POST', '/contacts', { email: 'buyer@example.com' });
    const order = {
      type: 'order.placed',
      sourceId: 'shop-2002',
      data: { orderId: '2002', contactId: contact.id, total: { amount: 1500, currency: 'EUR' } },
    };
    const first = await api('POST', '/events', order);
    expect(first.status).toBe(202);

    const changed = await api('POST', '/events', { ...order, data: { ...order.data, total: { amount: 9900, currency: 'EUR' } } });
    expect(changed.status).toBe(422);
    expect(changed.headers.get('content-type')).toBe('application/problem+json');
    expect(changed.body.detail).toMatch(/sourceId was already used with another payload/);
    expect(Object.keys(changed.body.errors)).toEqual(['body.sourceId']);

    const reordered = {
      data: { total: { currency: 'EUR', amount: 1500 }, contactId: contact.id, orderId: '2002' },
      sourceId: 'shop-2002',
      type: 'order.placed',
    };
    const resend = await api('POST', '/events', reordered);
    expect(resend.status).toBe(200);
    expect(resend.body).toEqual({ id: first.body.id, type: 'order.placed', duplicate: true });
    await rt.settle();
    stop();
    expect(orders).toEqual([order.data]);
  });

  it('refuses unknown types, bad data, unknown contacts and non-admins', async () => {
    const tenant = uniqueTenant('ingest-bad');
    const api = rt.api(tenant, 'admin');
    const { body: contact } = await api('POST', '/contacts', { firstName: 'X' });
    expect((await api('POST', '/events', { type: 'contact.created', data: { contactId: contact.id } })).status).toBe(400);
    const badMoney = await api('POST', '/events', {
      type: 'order.placed',
      data: { orderId: '1', contactId: contact.id, total: { amount: 9.99, currency: 'euro' } },
    });
    expect(badMoney.status).toBe(400);
    expect(Object.keys(badMoney.body.errors)).toEqual(expect.arrayContaining(['body.data.total.amount', 'body.data.total.currency']));
    const ghost = await api('POST', '/events', {
      type: 'ticket.resolved',
      data: { ticketId: 't1', contactId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' },
    });
    expect(ghost.status).toBe(422);
    expect(
      (await rt.api(tenant, 'sales')('POST', '/events', { type: 'ticket.resolved', data: { ticketId: 't1', contactId: contact.id } }))
        .status,
    ).toBe(403);
  });

  it('moves the contact’s engagement forward on orders and activities, never back, and keeps its orders until it is deleted', async () => {
    const tenantId = uniqueTenant('engaged');
    const api = rt.api(tenantId, 'admin');
    const { body: contact } = await api('POST', '/contacts', { email: 'e@example.com' });
    expect(contact.lastEngagedAt).toBe(contact.createdAt);
    const order = (orderId: string, occurredAt: string) => ({
      type: 'order.placed',
      occurredAt,
      data: { orderId, contactId: contact.id, total: { amount: 100, currency: 'USD' } },
    });
    const latest = new Date(Date.now() + 60_000).toISOString();
    const earlier = new Date(Date.now() - 86_400_000).toISOString();
    expect((await api('POST', '/events', order('o2', '2030-01-01T00:00:00Z'))).status).toBe(400);
    await api('POST', '/events', order('o1', latest));
    await api('POST', '/events', order('o0', earlier));
    await rt.settle();
    const afterOrders = (await api('GET', `/contacts/${contact.id}`)).body;
    expect(afterOrders).toMatchObject({ lastOrderAt: latest, lastEngagedAt: latest });
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
    expect((await api('POST', `/contacts/${contact.id}/activities`, { type: 'call', occurredAt: anHourAgo })).status).toBe(201);
    const afterCall = (await api('GET', `/contacts/${contact.id}`)).body;
    expect(afterCall).toMatchObject({ lastActivityAt: anHourAgo, lastEngagedAt: latest });

    expect((await contactRepository.recentOrders(tenantId, contact.id)).map((o) => o.orderId)).toEqual(['o1', 'o0']);
    await api('DELETE', `/contacts/${contact.id}`);
    await rt.settle();
    expect(await contactRepository.recentOrders(tenantId, contact.id)).toEqual([]);
  });
});
