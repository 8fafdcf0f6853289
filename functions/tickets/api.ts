import type { Page, PageRequest } from '../../shared/db/query.ts';
import type { Actor } from '../../shared/domain/actor.ts';
import { actingAs } from '../../shared/events/trace.ts';
import { ticketReferences } from './references.ts';
import { ticketRepository } from './repository.ts';
import type { NewTicket, Ticket, TicketMessage, TicketPriority, TicketSla } from './schemas.ts';
import { type TicketService, ticketService } from './service.ts';

export type {
  NewTicket,
  SlaTarget,
  SlaTargetState,
  Ticket,
  TicketChannel,
  TicketMessage,
  TicketPriority,
  TicketSla,
  TicketStatus,
} from './schemas.ts';

let current: TicketService | undefined;
/** The service over the real repository and references, made on first use. */
const service = async (): Promise<TicketService> => (current ??= ticketService(ticketRepository, ticketReferences));

/** What other contexts may ask of tickets (routing, SLA, portal, intake, reports). */
export const ticketsApi = {
  /** A ticket, strongly consistent. */
  get: ({ tenantId, ticketId }: { tenantId: string; ticketId: string }): Promise<Ticket | undefined> =>
    ticketRepository.getTicket(tenantId, ticketId, true),

  /** The ticket a human reference (T-1042) names: a GetItem of its reference, then of the ticket. */
  async byReference({ tenantId, reference }: { tenantId: string; reference: string }): Promise<Ticket | undefined> {
    const ticketId = await ticketRepository.ticketOfReference(tenantId, reference);
    return ticketId ? ticketRepository.getTicket(tenantId, ticketId, true) : undefined;
  },

  /** Opens a ticket (classification rules applied) or, for a known sourceMessageId, returns the one it opened. */
  open: async ({
    tenantId,
    input,
    actor,
  }: {
    tenantId: string;
    input: NewTicket;
    actor: Actor;
  }): Promise<{ ticket: Ticket; created: boolean }> => {
    const { ticket, created } = await actingAs(actor, async () => (await service()).open(tenantId, input, actor));
    return { ticket, created };
  },

  /** Adds a reply or note; a customer reply to a resolved ticket within the reopen window reopens it. */
  reply: async ({
    tenantId,
    ticketId,
    message,
    actor,
  }: {
    tenantId: string;
    ticketId: string;
    message: Omit<TicketMessage, 'id' | 'ticketId' | 'createdAt'> & { sourceMessageId?: string };
    actor: Actor;
  }): Promise<{ ticket: Ticket; message: TicketMessage }> =>
    actingAs(actor, async () => (await service()).reply(tenantId, ticketId, message, actor)),

  /** The conversation, oldest first; `publicOnly` for the customer's view. */
  conversation: ({
    tenantId,
    ticketId,
    publicOnly,
    page,
  }: {
    tenantId: string;
    ticketId: string;
    publicOnly: boolean;
    page: PageRequest;
  }): Promise<Page<TicketMessage>> => ticketRepository.conversation(tenantId, ticketId, publicOnly, page),

  /** A contact's tickets, newest first (one Query). */
  ofContact: ({ tenantId, contactId, page }: { tenantId: string; contactId: string; page: PageRequest }): Promise<Page<Ticket>> =>
    ticketRepository.ofContact(tenantId, contactId, page),

  /**
   * Sets team and assignee, emitting ticket.assigned; with `expectedAssigneeId` (null = unassigned) it
   * refuses (returns undefined) when the ticket's assignee is no longer that one, so two routers never both win.
   */
  assign: async ({
    tenantId,
    ticketId,
    teamId,
    assigneeId,
    expectedAssigneeId,
    actor,
  }: {
    tenantId: string;
    ticketId: string;
    teamId?: string;
    assigneeId?: string;
    expectedAssigneeId?: string | null;
    actor: Actor;
  }): Promise<Ticket | undefined> =>
    actingAs(actor, async () => (await service()).assign(tenantId, ticketId, { teamId, assigneeId, expectedAssigneeId })),

  /** Changes priority, team or tags (escalation), emitting ticket.updated. */
  update: async ({
    tenantId,
    ticketId,
    patch,
    actor,
  }: {
    tenantId: string;
    ticketId: string;
    patch: { priority?: TicketPriority; teamId?: string; tags?: string[] };
    actor: Actor;
  }): Promise<Ticket> => actingAs(actor, async () => (await service()).patch(tenantId, ticketId, patch, undefined)),

  /** Writes the SLA snapshot unless the ticket holds one with a higher revision. No event. */
  recordSla: async ({ tenantId, ticketId, sla }: { tenantId: string; ticketId: string; sla: TicketSla }): Promise<void> => {
    await ticketRepository.recordSla(tenantId, ticketId, sla);
  },
};
export type TicketsApi = typeof ticketsApi;
