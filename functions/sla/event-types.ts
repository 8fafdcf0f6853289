/** The ticket events the SLA follows (its subscription in functions/subscriptions.ts). */
export const slaEventTypes = [
  'ticket.created',
  'ticket.updated',
  'ticket.replied',
  'ticket.status_changed',
  'ticket.resolved',
  'ticket.reopened',
] as const;
export type SlaEventType = (typeof slaEventTypes)[number];
