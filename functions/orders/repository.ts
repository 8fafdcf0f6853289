import { dedupeGuard } from '../../shared/db/dedupe-guard.ts';
import type { Page, PageRequest } from '../../shared/db/query.ts';
import { getItem, listPage, stripKeys } from '../../shared/db/query.ts';
import { type Labelled, labelled, put, putNew, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { companiesApi } from '../companies/api.ts';
import { contactsApi } from '../contacts/api.ts';
import { type OrderGuardKind, orderEntities, orderItem, orderKeys } from './items.ts';
import type { Order } from './schemas.ts';

export type { Page, PageRequest } from '../../shared/db/query.ts';

/** `DEDUPE`: the sourceId or quote already made an order; `CONTACT` / `COMPANY`: it does not exist; `VERSION`: the order changed. */
export type OrderConflict = 'DEDUPE' | 'CONTACT' | 'COMPANY' | 'VERSION';

export interface OrderGuard {
  kind: OrderGuardKind;
  value: string;
}

/** The only DynamoDB access of orders. Conflicts throw WriteConflict<OrderConflict>. */
export interface OrderRepository {
  get(tenantId: string, id: string, consistent?: boolean): Promise<Order | undefined>;
  /** The order a sourceId or quote created (a consistent GetItem of its guard). */
  createdBy(tenantId: string, guard: OrderGuard): Promise<string | undefined>;
  /** The order, its guard, checks that its contact and company exist, and its events: one transaction. */
  create(tenantId: string, order: Order, guard: OrderGuard | undefined, events: DomainEvent[]): Promise<void>;
  /** Replaces `before` at its version (VERSION). */
  update(tenantId: string, before: Order, after: Order, events: DomainEvent[]): Promise<void>;
  /** A contact's orders, newest first: one Query. */
  listByContact(tenantId: string, contactId: string, page: PageRequest): Promise<Page<Order>>;
  /** A company's orders, newest first: one Query. */
  listByCompany(tenantId: string, companyId: string, page: PageRequest): Promise<Page<Order>>;
}

const guards = dedupeGuard(orderEntities.guard, 'orderId');

export const orderRepository: OrderRepository = {
  async get(tenantId, id, consistent = false) {
    const item = await getItem(orderKeys.order(tenantId, id), consistent);
    return item && stripKeys<Order>(item);
  },

  createdBy: (tenantId, { kind, value }) => guards.createdBy(orderKeys.guard(tenantId, kind, value)),

  async create(tenantId, order, guard, events) {
    const items: Labelled<OrderConflict>[] = [
      labelled('VERSION', putNew(orderItem(tenantId, order))),
      labelled('CONTACT', contactsApi.transactItems.exists(tenantId, order.contactId)),
    ];
    if (order.companyId) items.push(labelled('COMPANY', companiesApi.existsCondition(tenantId, order.companyId)));
    if (guard) items.push(guards.claim(orderKeys.guard(tenantId, guard.kind, guard.value), order.id));
    await transact(items, events);
  },

  update: (tenantId, before, after, events) =>
    transact([labelled('VERSION', put(orderItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version }))], events),

  listByContact: (tenantId, contactId, page) =>
    listPage<Order>({ index: 'GSI1', partition: orderKeys.contactOrdersPartition(tenantId, contactId), newestFirst: true }, page),

  listByCompany: (tenantId, companyId, page) =>
    listPage<Order>({ index: 'GSI2', partition: orderKeys.companyOrdersPartition(tenantId, companyId), newestFirst: true }, page),
};
