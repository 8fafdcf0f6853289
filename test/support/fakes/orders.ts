import type { OrderConflict, OrderRepository, Page, PageRequest } from '../../../functions/orders/repository.ts';
import type { Order } from '../../../functions/orders/schemas.ts';
import type { OrderReferences } from '../../../functions/orders/service.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';

const copy = <T>(value: T): T => structuredClone(value);

const pageOf = <T>(all: T[], { limit, cursor }: PageRequest): Page<T> => {
  const start = cursor ? Number(cursor) : 0;
  return { items: all.slice(start, start + limit).map(copy), nextCursor: start + limit < all.length ? String(start + limit) : undefined };
};

/**
 * The orders repository in memory, with the conditions of the real one: a
 * version per order, one order per guard (sourceId, quote), the contact and
 * company must exist. Every successful write appends its events to `events`;
 * `hooks.beforeCreate` lets a test interleave a concurrent writer.
 */
export const fakeOrderRepository = () => {
  const orders = new Map<string, Order>();
  const guards = new Map<string, string>();
  const contacts = new Set<string>();
  const companies = new Set<string>();
  const deals = new Set<string>();
  const events: DomainEvent[] = [];
  const hooks: { beforeCreate?: () => Promise<void> } = {};
  const k = (...parts: string[]) => parts.join('|');
  const fail = (...reasons: OrderConflict[]) => {
    throw new WriteConflict<OrderConflict>(reasons[0]!, reasons);
  };
  const newestFirst = (tenantId: string, keep: (o: Order) => boolean) =>
    [...orders.entries()]
      .filter(([key, o]) => key.startsWith(`${tenantId}|`) && keep(o))
      .map(([, o]) => o)
      .sort((a, b) => b.id.localeCompare(a.id));

  const repo: OrderRepository = {
    get: async (tenantId, id) => copy(orders.get(k(tenantId, id))),
    createdBy: async (tenantId, { kind, value }) => guards.get(k(tenantId, kind, value)),
    async create(tenantId, order, guard, written) {
      await hooks.beforeCreate?.();
      const failed: OrderConflict[] = [];
      if (orders.has(k(tenantId, order.id))) failed.push('VERSION');
      if (!contacts.has(k(tenantId, order.contactId))) failed.push('CONTACT');
      if (order.companyId && !companies.has(k(tenantId, order.companyId))) failed.push('COMPANY');
      if (guard && guards.has(k(tenantId, guard.kind, guard.value))) failed.push('DEDUPE');
      if (failed.length) fail(...failed);
      orders.set(k(tenantId, order.id), copy(order));
      if (guard) guards.set(k(tenantId, guard.kind, guard.value), order.id);
      events.push(...written);
    },
    async update(tenantId, before, after, written) {
      if (orders.get(k(tenantId, before.id))?.version !== before.version) fail('VERSION');
      orders.set(k(tenantId, after.id), copy(after));
      events.push(...written);
    },
    listByContact: async (tenantId, contactId, page) =>
      pageOf(
        newestFirst(tenantId, (o) => o.contactId === contactId),
        page,
      ),
    listByCompany: async (tenantId, companyId, page) =>
      pageOf(
        newestFirst(tenantId, (o) => o.companyId === companyId),
        page,
      ),
  };

  const refs: OrderReferences = {
    contactExists: async (tenantId, id) => contacts.has(k(tenantId, id)),
    companyExists: async (tenantId, id) => companies.has(k(tenantId, id)),
    dealExists: async (tenantId, id) => deals.has(k(tenantId, id)),
  };

  return {
    repo,
    refs,
    orders,
    events,
    hooks,
    addContact: (tenantId: string, id: string) => contacts.add(k(tenantId, id)),
    addCompany: (tenantId: string, id: string) => companies.add(k(tenantId, id)),
    addDeal: (tenantId: string, id: string) => deals.add(k(tenantId, id)),
  };
};
