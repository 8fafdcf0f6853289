// CONTRACT STUB — the tickets helper replaces every body below with the real implementation
// (keeping these names and signatures); nothing here may land as it is.

import type { Page, PageRequest } from '../../shared/db/query.ts';
import type { Actor } from '../../shared/domain/actor.ts';
import type { slaTargets, ticketChannels, ticketPriorities, ticketStatuses } from '../../shared/events/catalog.ts';

export type TicketChannel = (typeof ticketChannels)[number];
export type TicketStatus = (typeof ticketStatuses)[number];
export type TicketPriority = (typeof ticketPriorities)[number];
export type SlaTarget = (typeof slaTargets)[number];

/** One SLA target of a ticket, as the SLA context last computed it. */
export interface SlaTargetState {
  dueAt: string;
  warnAt?: string;
  warnedAt?: string;
  metAt?: string;
  breached: boolean;
  /** Minutes past due (business or calendar time, per the policy), once breached. */
  overdueMinutes?: number;
}

/** The SLA snapshot the SLA context writes onto the ticket (GET /tickets/{id} shows it as `sla`). */
export interface TicketSla {
  policyId: string;
  calendarId?: string;
  businessTime: boolean;
  /** Paused time excluded so far (pending customer, on hold), in minutes. */
  pausedMinutes: number;
  pausedSince?: string;
  targets: Partial<Record<SlaTarget, SlaTargetState>>;
  /** Increases with every recomputation; a stale snapshot is not written over a newer one. */
  revision: number;
}

export interface Ticket {
  id: string;
  /** Human reference, e.g. "T-1042", also put in the subject of outgoing mail for threading. */
  reference: string;
  contactId: string;
  companyId?: string;
  subject: string;
  channel: TicketChannel;
  status: TicketStatus;
  priority: TicketPriority;
  category?: string;
  tags: string[];
  teamId?: string;
  assigneeId?: string;
  createdAt: string;
  updatedAt: string;
  firstResponseAt?: string;
  resolvedAt?: string;
  closedAt?: string;
  sla?: TicketSla;
  version: number;
}

export interface TicketMessage {
  id: string;
  ticketId: string;
  author: 'agent' | 'customer';
  /** The user id of an agent, the contact id of a customer. */
  authorId: string;
  body: string;
  /** false for an internal note (never shown to the customer). */
  public: boolean;
  channel: TicketChannel;
  createdAt: string;
}

export interface NewTicket {
  contactId: string;
  subject: string;
  body: string;
  channel: TicketChannel;
  priority?: TicketPriority;
  category?: string;
  tags?: string[];
  teamId?: string;
  /** The source's own message id (email Message-ID, chat message id): a repeat opens nothing new. */
  sourceMessageId?: string;
}

const pending = (): never => {
  throw new Error('tickets api: contract stub');
};

/** What other contexts may ask of tickets (routing, SLA, portal, intake, reports). */
export const ticketsApi = {
  /** A ticket, strongly consistent. */
  get: (_: { tenantId: string; ticketId: string }): Promise<Ticket | undefined> => pending(),
  /** Opens a ticket (classification rules applied) or, for a known sourceMessageId, returns the one it opened. */
  open: (_: { tenantId: string; input: NewTicket; actor: Actor }): Promise<{ ticket: Ticket; created: boolean }> => pending(),
  /** Adds a reply or note; a customer reply to a resolved ticket within the reopen window reopens it. */
  reply: (_: {
    tenantId: string;
    ticketId: string;
    message: Omit<TicketMessage, 'id' | 'ticketId' | 'createdAt'> & { sourceMessageId?: string };
    actor: Actor;
  }): Promise<{ ticket: Ticket; message: TicketMessage }> => pending(),
  /** The conversation, oldest first; `publicOnly` for the customer's view. */
  conversation: (_: { tenantId: string; ticketId: string; publicOnly: boolean; page: PageRequest }): Promise<Page<TicketMessage>> =>
    pending(),
  /** A contact's tickets, newest first (one Query). */
  ofContact: (_: { tenantId: string; contactId: string; page: PageRequest }): Promise<Page<Ticket>> => pending(),
  /**
   * Sets team and assignee, emitting ticket.assigned; with `expectedAssigneeId` (null = unassigned) it
   * refuses (returns undefined) when the ticket's assignee is no longer that one, so two routers never both win.
   */
  assign: (_: {
    tenantId: string;
    ticketId: string;
    teamId?: string;
    assigneeId?: string;
    expectedAssigneeId?: string | null;
    actor: Actor;
  }): Promise<Ticket | undefined> => pending(),
  /** Changes priority, team or tags (escalation), emitting ticket.updated. */
  update: (_: {
    tenantId: string;
    ticketId: string;
    patch: { priority?: TicketPriority; teamId?: string; tags?: string[] };
    actor: Actor;
  }): Promise<Ticket> => pending(),
  /** Writes the SLA snapshot unless the ticket holds one with a higher revision. No event. */
  recordSla: (_: { tenantId: string; ticketId: string; sla: TicketSla }): Promise<void> => pending(),
};
export type TicketsApi = typeof ticketsApi;
