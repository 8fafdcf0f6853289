import { WriteConflict } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import type { SlaState } from './lifecycle.ts';
import type { DefaultChange, OrderChange, SlaConflict, SlaRepository } from './repository.ts';
import type { Calendar, Policy, PolicyOrder } from './schemas.ts';

const copy = <T>(value: T): T => structuredClone(value);

/**
 * The SLA repository in memory, with the conditions of the DynamoDB one
 * (versions, the order's version, one claim per escalation step). Every
 * successful write appends its events to `events`. For unit tests and the
 * bench's count of scheduler operations.
 */
export const memorySlaRepository = () => {
  const calendars = new Map<string, Calendar>();
  const policies = new Map<string, Policy>();
  const orders = new Map<string, PolicyOrder>();
  const defaults = new Map<string, string>();
  const states = new Map<string, SlaState>();
  const steps = new Set<string>();
  const events: DomainEvent[] = [];
  const k = (...parts: string[]) => parts.join('|');
  const fail = (reason: SlaConflict): never => {
    throw new WriteConflict<SlaConflict>(reason, [reason]);
  };
  const checkVersion = (stored: { version: number } | undefined, before: { version: number } | undefined) => {
    if (before ? stored?.version !== before.version : stored) fail(before ? 'VERSION' : 'EXISTS');
  };
  const checkOrder = (tenantId: string, order: OrderChange | undefined) => {
    if (!order) return;
    const stored = orders.get(tenantId);
    if (order.before ? stored?.version !== order.before.version : stored) fail('ORDER');
  };
  const applyDefault = (tenantId: string, change: DefaultChange) => {
    if (!change) return;
    if ('set' in change) defaults.set(tenantId, change.set);
    else defaults.delete(tenantId);
  };
  const ofTenant = <T>(map: Map<string, T>, tenantId: string) =>
    [...map.entries()].filter(([key]) => key.startsWith(`${tenantId}|`)).map(([, v]) => copy(v));

  const repo: SlaRepository = {
    getCalendar: async (tenantId, id) => copy(calendars.get(k(tenantId, id))),
    async listCalendars(tenantId, { limit, cursor }) {
      const all = ofTenant(calendars, tenantId).sort((a, b) => a.id.localeCompare(b.id));
      const start = cursor ? Number(cursor) : 0;
      return { items: all.slice(start, start + limit), nextCursor: start + limit < all.length ? String(start + limit) : undefined };
    },
    defaultCalendarId: async (tenantId) => defaults.get(tenantId),
    async saveCalendar(tenantId, before, after, change, written) {
      checkVersion(calendars.get(k(tenantId, after.id)), before);
      calendars.set(k(tenantId, after.id), copy(after));
      applyDefault(tenantId, change);
      events.push(...written);
    },
    async deleteCalendar(tenantId, calendar, change, written) {
      checkVersion(calendars.get(k(tenantId, calendar.id)), calendar);
      calendars.delete(k(tenantId, calendar.id));
      applyDefault(tenantId, change);
      events.push(...written);
    },
    policySet: async (tenantId) => ({
      policies: ofTenant(policies, tenantId),
      order: copy(orders.get(tenantId)),
      defaultCalendarId: defaults.get(tenantId),
    }),
    getPolicy: async (tenantId, id) => copy(policies.get(k(tenantId, id))),
    async savePolicy(tenantId, before, after, order, written) {
      checkVersion(policies.get(k(tenantId, after.id)), before);
      checkOrder(tenantId, order);
      policies.set(k(tenantId, after.id), copy(after));
      if (order) orders.set(tenantId, copy(order.after));
      events.push(...written);
    },
    async deletePolicy(tenantId, policy, order, written) {
      checkVersion(policies.get(k(tenantId, policy.id)), policy);
      checkOrder(tenantId, order);
      policies.delete(k(tenantId, policy.id));
      orders.set(tenantId, copy(order.after));
      events.push(...written);
    },
    async saveOrder(tenantId, order, written) {
      checkOrder(tenantId, order);
      orders.set(tenantId, copy(order.after));
      events.push(...written);
    },
    getState: async (tenantId, ticketId) => copy(states.get(k(tenantId, ticketId))),
    async saveState(tenantId, beforeVersion, state, written) {
      const stored = states.get(k(tenantId, state.ticketId));
      if (beforeVersion === 0 ? stored : stored?.version !== beforeVersion) fail(beforeVersion === 0 ? 'EXISTS' : 'VERSION');
      states.set(k(tenantId, state.ticketId), copy(state));
      events.push(...written);
    },
    async claimStep(tenantId, ticketId, step) {
      if (steps.has(k(tenantId, ticketId, step))) return false;
      steps.add(k(tenantId, ticketId, step));
      return true;
    },
    releaseStep: async (tenantId, ticketId, step) => {
      steps.delete(k(tenantId, ticketId, step));
    },
  };
  return { repo, events, steps };
};
