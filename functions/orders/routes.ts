import { page } from '../../shared/domain/fields.ts';
import type { Role } from '../../shared/http/route.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import { createOrderBody, historyQuery, orderIdParams, orderResponse, updateOrderBody } from './schemas.ts';

/** Sales and admins place and move orders; analysts and support read them. */
const orderWriters: readonly Role[] = ['admin', 'sales'];
const orderReaders: readonly Role[] = [...orderWriters, 'analyst', 'support'];

export const orderRoutes = defineRoutes('orders', {
  createOrder: {
    method: 'POST',
    path: '/orders',
    summary: 'Place an order (pending): line items in minor units of one currency, totals computed by the server; emits order.placed',
    roles: orderWriters,
    body: createOrderBody,
    response: orderResponse,
    status: 201,
    location: '/orders/{id}',
    alsoAnswers: { 200: 'Duplicate: an order with this sourceId exists; it is returned and nothing is written' },
    unprocessable: 'contactId, companyId or dealId names nothing, or total does not match the lines',
  },
  getOrder: {
    method: 'GET',
    path: '/orders/{id}',
    summary: 'Get an order',
    roles: orderReaders,
    params: orderIdParams,
    response: orderResponse,
  },
  updateOrder: {
    method: 'PATCH',
    path: '/orders/{id}',
    summary:
      'Move an order: pending → paid → fulfilled, pending|paid → cancelled, paid|fulfilled|partially_refunded → refunded or partially_refunded (refundedAmount, cumulative) (If-Match)',
    roles: orderWriters,
    params: orderIdParams,
    body: updateOrderBody,
    response: orderResponse,
    conflict: 'the order cannot move from its status to the one asked (allowed names the statuses it can move to)',
    unprocessable: 'refundedAmount is missing, above the total, or not above what was already refunded',
  },
  contactOrders: {
    method: 'GET',
    path: '/contacts/{id}/orders',
    summary: "A contact's purchase history, newest first",
    roles: orderReaders,
    params: orderIdParams,
    query: historyQuery,
    response: page(orderResponse),
  },
  companyOrders: {
    method: 'GET',
    path: '/companies/{id}/orders',
    summary: "A company's purchase history, newest first",
    roles: orderReaders,
    params: orderIdParams,
    query: historyQuery,
    response: page(orderResponse),
  },
});
