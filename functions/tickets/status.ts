import type { Ticket, TicketStatus } from './schemas.ts';

/**
 * Where a ticket may go from each status. `new` is only ever a start; a
 * closed ticket is final (a customer writing again opens a new one).
 */
export const transitions: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open', 'pending_customer', 'on_hold', 'resolved', 'closed'],
  open: ['pending_customer', 'on_hold', 'resolved', 'closed'],
  pending_customer: ['open', 'on_hold', 'resolved', 'closed'],
  on_hold: ['open', 'pending_customer', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

export const canMove = (from: TicketStatus, to: TicketStatus) => from === to || transitions[from].includes(to);

/** The ticket in status `to` at `now`: resolution and closing times follow the status. */
export const enterStatus = (ticket: Ticket, to: TicketStatus, now: string): Ticket => {
  if (ticket.status === to) return ticket;
  const after: Ticket = { ...ticket, status: to };
  if (to === 'resolved') after.resolvedAt = now;
  else if (to === 'closed') after.closedAt = now;
  else delete after.resolvedAt;
  return after;
};

const day = 86_400_000;

/**
 * What a customer's message does to a ticket in this status: thread onto it
 * (reopening a resolved one inside the window, moving a pending one back to
 * open), or open a follow-up ticket (closed, or resolved longer ago than the window).
 */
export const customerReplyEffect = (ticket: Ticket, now: Date, reopenWindowDays: number): 'thread' | 'reopen' | 'follow-up' => {
  if (ticket.status === 'closed') return 'follow-up';
  if (ticket.status !== 'resolved') return 'thread';
  const resolvedAt = Date.parse(ticket.resolvedAt ?? ticket.updatedAt);
  return now.getTime() - resolvedAt <= reopenWindowDays * day ? 'reopen' : 'follow-up';
};
