import { serviceReportKeys } from '../../../functions/service-reports/items.ts';
import type { ServiceReportConflict, ServiceReportRepository } from '../../../functions/service-reports/repository.ts';
import type { Counters, TicketState } from '../../../functions/service-reports/rules.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';

/** Lets other calls run between a read and a write, as a round trip to DynamoDB does. */
const roundTrip = () => new Promise<void>((resolve) => setImmediate(resolve));
const fail = (reason: ServiceReportConflict) => {
  throw new WriteConflict(reason, [reason]);
};
const k = (key: { PK: string; SK: string }) => `${key.PK}|${key.SK}`;

/**
 * ServiceReportRepository in memory, with the DynamoDB one's conditions checked
 * and applied in one step as a transaction does: a ticket state whose rev moved
 * on fails with STATE, an event marker already written with APPLIED; counter
 * fields add up as UpdateItem ADD does.
 */
export const memoryServiceReports = () => {
  const states = new Map<string, TicketState>();
  const markers = new Set<string>();
  /** Counter items by table key, with their period. */
  const counters = new Map<string, { period: string; fields: Counters }>();
  const teams = new Map<string, Set<string>>();
  let transactions = 0;

  const repo: ServiceReportRepository = {
    async ticketState(tenantId, ticketId) {
      await roundTrip();
      return structuredClone(states.get(k(serviceReportKeys.ticketState(tenantId, ticketId))));
    },
    async apply(tenantId, { eventId, ticket, changes, teams: listed }) {
      await roundTrip();
      if (ticket) {
        const stored = states.get(k(serviceReportKeys.ticketState(tenantId, ticket.after.ticketId)));
        if (ticket.before ? stored?.rev !== ticket.before.rev : stored) fail('STATE');
      }
      const marker = k(serviceReportKeys.applied(tenantId, eventId));
      if (markers.has(marker)) fail('APPLIED');
      if (changes.length + listed.length + 2 > 100) throw new Error('a transaction holds at most 100 items');
      transactions++;
      if (ticket) states.set(k(serviceReportKeys.ticketState(tenantId, ticket.after.ticketId)), structuredClone(ticket.after));
      markers.add(marker);
      for (const { scope, level, period, add } of changes) {
        const key = k(serviceReportKeys.counter(tenantId, scope, level, period, 0));
        const item = counters.get(key) ?? { period, fields: {} };
        for (const [f, v] of Object.entries(add)) item.fields[f] = (item.fields[f] ?? 0) + v;
        counters.set(key, item);
      }
      teams.set(tenantId, new Set([...(teams.get(tenantId) ?? []), ...listed]));
    },
    async readScope(tenantId, scope, from, to) {
      await roundTrip();
      const prefix = `${serviceReportKeys.counterPartition(tenantId, scope)}|`;
      const days = new Map<string, Counters>();
      const earlier: Counters[] = [];
      for (const [key, item] of counters) {
        if (!key.startsWith(prefix)) continue;
        const sk = key.slice(prefix.length);
        if (sk.startsWith('D#') && item.period >= `${from.slice(0, 7)}-01` && item.period <= to) days.set(item.period, { ...item.fields });
        else if (sk.startsWith('M#') && item.period.slice(0, 4) === from.slice(0, 4) && item.period < from.slice(0, 7))
          earlier.push({ ...item.fields });
        else if (sk.startsWith('Y#') && item.period < from.slice(0, 4)) earlier.push({ ...item.fields });
      }
      return { days, earlier };
    },
    async teams(tenantId) {
      await roundTrip();
      return [...(teams.get(tenantId) ?? [])].sort();
    },
  };
  return { repo, states, counters, transactions: () => transactions };
};
