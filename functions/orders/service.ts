import { isWriteConflict } from '../../shared/db/transact.ts';
import type { Actor } from '../../shared/domain/actor.ts';
import { conflict, notFound, preconditionFailed, unprocessable } from '../../shared/errors.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { Reply } from '../../shared/http/reply.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { retry } from '../../shared/retry.ts';
import type { OrderConflict, OrderGuard, OrderRepository } from './repository.ts';
import type { orderRoutes } from './routes.ts';
import { totalsErrors, totalsOf, transition } from './rules.ts';
import type { LineItem, NewOrder, Order, OrderChange } from './schemas.ts';

/** Whether what an order names exists (contactsApi / companiesApi / dealsApi in the handler). */
export interface OrderReferences {
  contactExists(tenantId: string, contactId: string): Promise<boolean>;
  companyExists(tenantId: string, companyId: string): Promise<boolean>;
  dealExists(tenantId: string, dealId: string): Promise<boolean>;
}

/** What an accepted quote hands over: its lines and the totals it computed (minor units of `currency`). */
export interface OrderFromQuote {
  tenantId: string;
  quoteId: string;
  contactId: string;
  companyId?: string;
  dealId?: string;
  currency: string;
  lineItems: LineItem[];
  totals: { subtotal: number; discount?: number; tax: number; total: number };
  actor: Actor;
}

const writeAttempts = 5;

const orderData = (o: Order) => ({
  orderId: o.id,
  contactId: o.contactId,
  companyId: o.companyId,
  dealId: o.dealId,
  status: o.status,
  total: o.total,
});

const placedEvent = (tenantId: string, o: Order) =>
  domainEvent(tenantId, 'order.placed', {
    orderId: o.id,
    contactId: o.contactId,
    total: o.total,
    items: o.lineItems.map((l) => ({
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      price: { amount: l.unitAmount, currency: o.total.currency },
    })),
    companyId: o.companyId,
    dealId: o.dealId,
    quoteId: o.quoteId,
    sourceId: o.sourceId,
    tax: o.tax,
  });

/** The event of a status change; a refund carries this refund's amount and the cumulative one. */
const changeEvent = (tenantId: string, after: Order, refunded: number | undefined, reason: string | undefined): DomainEvent => {
  const data = orderData(after);
  const money = (amount: number) => ({ amount, currency: after.total.currency });
  switch (after.status) {
    case 'paid':
      return domainEvent(tenantId, 'order.paid', data);
    case 'fulfilled':
      return domainEvent(tenantId, 'order.fulfilled', data);
    case 'cancelled':
      return domainEvent(tenantId, 'order.cancelled', { ...data, reason });
    default:
      return domainEvent(tenantId, 'order.refunded', { ...data, amount: money(refunded!), refundedAmount: after.refundedAmount! });
  }
};

const stampOf = {
  paid: 'paidAt',
  fulfilled: 'fulfilledAt',
  cancelled: 'cancelledAt',
  refunded: 'refundedAt',
  partially_refunded: 'refundedAt',
} as const;

export const orderService = (repo: OrderRepository, refs: OrderReferences) => {
  const refuse = (message: string, field: string, why: string) => unprocessable(message, { errors: { [field]: [why] } });

  const checkReferences = async (tenantId: string, o: { contactId: string; companyId?: string; dealId?: string }) => {
    if (!(await refs.contactExists(tenantId, o.contactId)))
      throw refuse('the contact of the order does not exist', 'body.contactId', `no contact ${o.contactId}`);
    if (o.companyId && !(await refs.companyExists(tenantId, o.companyId)))
      throw refuse('the company of the order does not exist', 'body.companyId', `no company ${o.companyId}`);
    if (o.dealId && !(await refs.dealExists(tenantId, o.dealId)))
      throw refuse('the deal of the order does not exist', 'body.dealId', `no deal ${o.dealId}`);
  };

  /**
   * Writes a new order with order.placed; when its guard (sourceId, quote) made an order already,
   * answers that one instead (`created: false`) and writes nothing.
   */
  const place = async (tenantId: string, order: Order, guard: OrderGuard | undefined): Promise<{ order: Order; created: boolean }> => {
    const existing = async () => {
      const id = guard && (await repo.createdBy(tenantId, guard));
      return id ? await repo.get(tenantId, id, true) : undefined;
    };
    const before = await existing();
    if (before) return { order: before, created: false };
    try {
      await repo.create(tenantId, order, guard, [placedEvent(tenantId, order)]);
      return { order, created: true };
    } catch (error) {
      if (isWriteConflict<OrderConflict>(error, 'DEDUPE')) {
        const first = await existing();
        if (first) return { order: first, created: false };
      }
      if (isWriteConflict<OrderConflict>(error, 'CONTACT'))
        throw refuse('the contact of the order does not exist', 'body.contactId', 'deleted');
      if (isWriteConflict<OrderConflict>(error, 'COMPANY'))
        throw refuse('the company of the order does not exist', 'body.companyId', 'deleted');
      throw error;
    }
  };

  const draft = (
    o: { contactId: string; companyId?: string; dealId?: string; sourceId?: string; quoteId?: string; lineItems: LineItem[] },
    currency: string,
    totals: { subtotal: number; discount?: number; tax: number; total: number },
    by: string,
  ): Order => {
    const now = clock().now().toISOString();
    const money = (amount: number) => ({ amount, currency });
    return {
      id: newId(),
      version: 1,
      status: 'pending',
      contactId: o.contactId,
      companyId: o.companyId,
      dealId: o.dealId,
      quoteId: o.quoteId,
      sourceId: o.sourceId,
      lineItems: o.lineItems,
      subtotal: money(totals.subtotal),
      ...(totals.discount ? { discount: money(totals.discount) } : {}),
      tax: money(totals.tax),
      total: money(totals.total),
      placedAt: now,
      createdBy: by,
      createdAt: now,
      updatedAt: now,
    };
  };

  const createOrder = async (tenantId: string, body: NewOrder, by: string) => {
    const totals = totalsOf(body.lineItems);
    if (!Number.isSafeInteger(totals.total)) throw refuse('the order total is too large', 'body.lineItems', 'the total overflows');
    if (body.total && (body.total.currency !== body.currency || body.total.amount !== totals.total))
      throw refuse('the total does not match the lines', 'body.total', `the lines make ${totals.total} ${body.currency}`);
    await checkReferences(tenantId, body);
    const order = draft(body, body.currency, totals, by);
    return place(tenantId, order, body.sourceId ? { kind: 'SRC', value: body.sourceId } : undefined);
  };

  /** An accepted quote's order: the quote's lines and totals as given; a retry answers the quote's first order. */
  const createFromQuote = async (input: OrderFromQuote) => {
    const errors = totalsErrors(input.totals);
    if (Object.keys(errors).length) throw unprocessable('the quote totals do not add up', { errors });
    if (!/^[A-Z]{3}$/.test(input.currency)) throw refuse('not a currency', 'currency', 'an ISO 4217 code such as EUR');
    await checkReferences(input.tenantId, input);
    const order = draft(input, input.currency, input.totals, input.actor.id);
    return place(input.tenantId, order, { kind: 'QUOTE', value: input.quoteId });
  };

  const changeStatus = (tenantId: string, id: string, change: OrderChange, ifMatch: number | undefined) =>
    retry(
      async () => {
        const before = await repo.get(tenantId, id, true);
        if (!before) throw notFound('order');
        if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
        const next = transition(before, change);
        if (next.kind === 'same') return before;
        if (next.kind === 'illegal')
          throw conflict(
            `an order ${before.status} cannot become ${change.status}; allowed: ${next.allowed.join(', ') || 'none (final status)'}`,
            { currentStatus: before.status, allowed: next.allowed },
          );
        if (next.kind === 'invalid') throw unprocessable('the refunded amount does not fit the order', { errors: next.errors });
        const now = clock().now().toISOString();
        const after: Order = {
          ...before,
          status: change.status,
          version: before.version + 1,
          updatedAt: now,
          [stampOf[change.status as keyof typeof stampOf]]: now,
        };
        if (next.refundedAmount !== undefined) after.refundedAmount = { amount: next.refundedAmount, currency: before.total.currency };
        if (change.status === 'cancelled' && change.reason) after.cancelReason = change.reason;
        await repo.update(tenantId, before, after, [changeEvent(tenantId, after, next.refunded, change.reason)]);
        return after;
      },
      { attempts: writeAttempts, retryOn: (error) => ifMatch === undefined && isWriteConflict<OrderConflict>(error, 'VERSION') },
    ).catch((error) => {
      if (isWriteConflict<OrderConflict>(error, 'VERSION')) throw preconditionFailed();
      throw error;
    });

  /** A page of history; an empty first page checks that what it belongs to exists (404 otherwise). */
  const history = async (
    page: Promise<{ items: Order[]; nextCursor?: string }>,
    first: boolean,
    exists: () => Promise<boolean>,
    what: string,
  ) => {
    const got = await page;
    if (first && !got.items.length && !(await exists())) throw notFound(what);
    return got;
  };

  const service: ServiceFor<typeof orderRoutes, RequestContext> = {
    async createOrder({ body }, ctx) {
      const { order, created } = await createOrder(ctx.tenantId, body, ctx.userId);
      return created ? order : new Reply(200, order, { location: `/orders/${order.id}` });
    },

    async getOrder({ params }, ctx) {
      const order = await repo.get(ctx.tenantId, params.id);
      if (!order) throw notFound('order');
      return order;
    },

    updateOrder: ({ params, body, ifMatch }, ctx) => changeStatus(ctx.tenantId, params.id, body, ifMatch),

    contactOrders: ({ params, query }, ctx) =>
      history(
        repo.listByContact(ctx.tenantId, params.id, query),
        !query.cursor,
        () => refs.contactExists(ctx.tenantId, params.id),
        'contact',
      ),

    companyOrders: ({ params, query }, ctx) =>
      history(
        repo.listByCompany(ctx.tenantId, params.id, query),
        !query.cursor,
        () => refs.companyExists(ctx.tenantId, params.id),
        'company',
      ),
  };
  return { ...service, createFromQuote };
};
