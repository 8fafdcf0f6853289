import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../infra/local/bus.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import type { Role } from '../../shared/http/route.ts';
import { eventually } from '../support/eventually.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));
const rt = useTestRuntime({ clock });
const as =
  (tenant: string, role: Role, user = `${role}-user`) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], user))(...args);

/** A deal with a contact and a company, a priced product, and a quote on the deal, sent: its page's path. */
const sentQuote = async (tenant: string, fields: Record<string, unknown>) => {
  const admin = as(tenant, 'admin');
  const { body: company } = await admin('POST', '/companies', { name: 'Engines', domain: `${tenant}.example` });
  const { body: contact } = await admin('POST', '/contacts', { firstName: 'Ada', email: `ada@${tenant}.example`, companyId: company.id });
  const { body: deal } = await admin('POST', '/deals', { name: 'Seats', contactIds: [contact.id], companyId: company.id });
  const { body: seat } = await admin('POST', '/products', { sku: 'SEAT-1', name: 'Seat', taxRateBp: 2000 });
  await admin('POST', '/price-books', { name: 'List', prices: [{ productId: seat.id, currency: 'EUR', unitAmount: 3333 }] });
  const { body: quote } = await admin('POST', '/quotes', {
    dealId: deal.id,
    lines: [{ productId: seat.id, quantity: 3, discount: { percentBp: 1000 } }],
    ...fields,
  });
  expect((await admin('POST', `/quotes/${quote.id}/send`)).status).toBe(200);
  const email = rt.outbox.messages().find((m) => m.channel === 'email' && m.email.to === contact.email);
  const link = email?.channel === 'email' ? /https?:\/\/\S+\/q\/[\w.-]+/.exec(email.email.text ?? '')?.[0] : undefined;
  return { admin, company, contact, deal, quote, path: new URL(link!).pathname };
};

const answer = (path: string, decision: string) =>
  fetch(`${rt.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `decision=${decision}`,
  });

describe('what an accepted quote sets off', () => {
  it('wins the deal and places one order from quote.accepted, however often the event is delivered', async () => {
    const tenant = uniqueTenant('quote-order');
    const accepted: BusEvent[] = [];
    const types: string[] = [];
    const stop = rt.bus.onEvent((e) => {
      if (e.detail.tenantId !== tenant) return;
      types.push(String(e['detail-type']));
      if (e['detail-type'] === 'quote.accepted') accepted.push(e);
    });
    const { admin, company, contact, deal, quote, path } = await sentQuote(tenant, { winDealOnAccept: true, createOrderOnAccept: true });
    expect(quote).toMatchObject({ winDealOnAccept: true, createOrderOnAccept: true });
    expect((await answer(path, 'accept')).status).toBe(200);

    const order = await eventually(async () => {
      const { body } = await admin('GET', `/contacts/${contact.id}/orders`);
      expect(body.items).toHaveLength(1);
      return body.items[0];
    });
    expect(order).toMatchObject({
      status: 'pending',
      quoteId: quote.id,
      dealId: deal.id,
      companyId: company.id,
      lineItems: [{ sku: 'SEAT-1', name: 'Seat', quantity: 3, unitAmount: 3333, taxAmount: 1800 }],
      subtotal: { amount: 9999, currency: 'EUR' },
      discount: { amount: 1000, currency: 'EUR' },
      tax: { amount: 1800, currency: 'EUR' },
      total: { amount: 10799, currency: 'EUR' },
      createdBy: `quote:${quote.id}`,
    });
    await eventually(async () => expect((await admin('GET', `/deals/${deal.id}`)).body).toMatchObject({ status: 'won' }));
    await rt.settle();

    // The deal is reopened by hand; then the bus delivers quote.accepted again, twice.
    expect((await admin('PATCH', `/deals/${deal.id}`, { stageId: 'qualification' })).status).toBe(200);
    const { 'detail-type': DetailType, detail } = accepted[0]!;
    await rt.bus.publish([
      { Source: 'rapport', DetailType, Detail: JSON.stringify(detail) },
      { Source: 'rapport', DetailType, Detail: JSON.stringify(detail) },
    ]);
    await rt.settle();
    stop();
    expect((await admin('GET', `/contacts/${contact.id}/orders`)).body.items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    expect((await admin('GET', `/deals/${deal.id}`)).body).toMatchObject({ status: 'open', stageId: 'qualification' });
    expect(types.filter((t) => t === 'deal.won')).toHaveLength(1);
    expect(types.filter((t) => t === 'order.placed')).toHaveLength(1);
    expect(rt.bus.deadLetters).toEqual([]);
  });

  it('places no order and leaves the deal open when the quote does not say so', async () => {
    const tenant = uniqueTenant('quote-plain');
    const { admin, contact, deal, path } = await sentQuote(tenant, {});
    expect((await answer(path, 'accept')).status).toBe(200);
    await rt.settle();
    expect((await admin('GET', `/contacts/${contact.id}/orders`)).body.items).toEqual([]);
    expect((await admin('GET', `/deals/${deal.id}`)).body).toMatchObject({ status: 'open' });
  });
});

describe('quote expiry', () => {
  it('expires a sent quote the second after its validUntil, and refuses its acceptance on the page and the API', async () => {
    const tenant = uniqueTenant('quote-expiry');
    const types: string[] = [];
    const stop = rt.bus.onEvent((e) => e.detail.tenantId === tenant && types.push(String(e['detail-type'])));
    const { admin, quote, path } = await sentQuote(tenant, { validUntil: '2026-06-03', createOrderOnAccept: true });
    expect(rt.scheduler.pending().map((j) => [j.name, j.at.toISOString()])).toContainEqual([
      `quote-expire-${quote.id}-v1`,
      '2026-06-04T00:00:00.000Z',
    ]);
    await clock.advance(2 * 86_400_000); // 2026-06-03T09:00Z: still valid
    expect((await admin('GET', `/quotes/${quote.id}`)).body.status).toBe('sent');

    await clock.advance(86_400_000); // 2026-06-04T09:00Z: the job has run
    await rt.settle();
    expect((await admin('GET', `/quotes/${quote.id}`)).body).toMatchObject({ status: 'expired', decidedAt: '2026-06-04T00:00:00.000Z' });
    const page = await answer(path, 'accept');
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('expired');
    const api = await admin('PATCH', `/quotes/${quote.id}`, { status: 'accepted' });
    expect(api.status).toBe(409);
    expect((await admin('GET', `/quotes/${quote.id}`)).body.status).toBe('expired');
    await rt.settle();
    stop();
    expect(types.filter((t) => t.startsWith('quote.') || t === 'order.placed')).toEqual(['quote.created', 'quote.sent', 'quote.expired']);
    expect(rt.scheduler.deadLetters).toEqual([]);
  });
});
