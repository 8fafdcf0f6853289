import { tenantKey } from '../../shared/db/tenant.ts';
import type { Order } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const orderEntities = {
  order: 'SALES_ORDER',
  guard: 'SALES_ORDER_GUARD',
} as const;

/** What a guard makes unique: a shop's order id (`SRC`) or the quote an order came from (`QUOTE`). */
export type OrderGuardKind = 'SRC' | 'QUOTE';

export const orderKeys = {
  /** An order: GetItem by id. */
  order: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#OR#${id}`, SK: 'OR' }),
  /** GSI1: a contact's purchase history, newest first (descending ULIDs). */
  contactOrders: (tenantId: string, contactId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#OR#C#${contactId}`, GSI1SK: id }),
  contactOrdersPartition: (tenantId: string, contactId: string) => `${tenantKey(tenantId)}#OR#C#${contactId}`,
  /** GSI2: a company's purchase history, newest first. */
  companyOrders: (tenantId: string, companyId: string, id: string) => ({ GSI2PK: `${tenantKey(tenantId)}#OR#CO#${companyId}`, GSI2SK: id }),
  companyOrdersPartition: (tenantId: string, companyId: string) => `${tenantKey(tenantId)}#OR#CO#${companyId}`,
  /** The order a shop's sourceId or a quote created, written with it: a retry finds the first order (GetItem). */
  guard: (tenantId: string, kind: OrderGuardKind, value: string) => ({ PK: `${tenantKey(tenantId)}#OR#${kind}#${value}`, SK: kind }),
} as const;

export const orderItem = (tenantId: string, o: Order) => ({
  ...orderKeys.order(tenantId, o.id),
  ...orderKeys.contactOrders(tenantId, o.contactId, o.id),
  ...(o.companyId ? orderKeys.companyOrders(tenantId, o.companyId, o.id) : {}),
  entity: orderEntities.order,
  ...o,
});
