import { tenantKey } from '../../shared/db/tenant.ts';
import type { SlaState } from './lifecycle.ts';
import type { Calendar, Policy, PolicyOrder } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const slaEntities = {
  calendar: 'SLA_CALENDAR',
  policy: 'SLA_POLICY',
  policyOrder: 'SLA_POLICY_ORDER',
  defaultCalendar: 'SLA_DEFAULT_CALENDAR',
  ticket: 'SLA_TICKET',
  escalation: 'SLA_ESCALATION',
} as const;

const calendars = (tenantId: string) => `${tenantKey(tenantId)}#SLA#CAL`;
const policies = (tenantId: string) => `${tenantKey(tenantId)}#SLA#POL`;
const ticket = (tenantId: string, ticketId: string) => `${tenantKey(tenantId)}#SLA#TK#${ticketId}`;

export const slaKeys = {
  /** A calendar: GetItem by id; the tenant's calendars are one Query of the partition, oldest first. */
  calendar: (tenantId: string, id: string) => ({ PK: calendars(tenantId), SK: `C#${id}` }),
  calendarPartition: calendars,
  calendarPrefix: 'C#',
  /**
   * The policy partition holds everything matching needs, so matching a ticket is one Query:
   * each policy (P#id), their order and the default calendar's id.
   */
  policy: (tenantId: string, id: string) => ({ PK: policies(tenantId), SK: `P#${id}` }),
  policyPrefix: 'P#',
  policyOrder: (tenantId: string) => ({ PK: policies(tenantId), SK: 'ORDER' }),
  defaultCalendar: (tenantId: string) => ({ PK: policies(tenantId), SK: 'DEFAULT_CALENDAR' }),
  policyPartition: policies,
  /** A ticket's SLA state: GetItem by ticket id. */
  ticket: (tenantId: string, ticketId: string) => ({ PK: ticket(tenantId, ticketId), SK: 'STATE' }),
  /** One escalation step done for a ticket (its guard), beside the ticket's state. */
  escalation: (tenantId: string, ticketId: string, step: string) => ({ PK: ticket(tenantId, ticketId), SK: `ESC#${step}` }),
} as const;

export const calendarItem = (tenantId: string, c: Calendar) => ({
  ...slaKeys.calendar(tenantId, c.id),
  entity: slaEntities.calendar,
  ...c,
});
export const policyItem = (tenantId: string, p: Policy) => ({ ...slaKeys.policy(tenantId, p.id), entity: slaEntities.policy, ...p });
export const policyOrderItem = (tenantId: string, o: PolicyOrder) => ({
  ...slaKeys.policyOrder(tenantId),
  entity: slaEntities.policyOrder,
  ...o,
});
export const defaultCalendarItem = (tenantId: string, calendarId: string) => ({
  ...slaKeys.defaultCalendar(tenantId),
  entity: slaEntities.defaultCalendar,
  calendarId,
});
export const ticketStateItem = (tenantId: string, s: SlaState) => ({
  ...slaKeys.ticket(tenantId, s.ticketId),
  entity: slaEntities.ticket,
  ...s,
});
