import { createHash } from 'node:crypto';
import { tenantKey } from '../../shared/db/tenant.ts';
import type { Ticket, TicketMessage, TicketSla } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const ticketEntities = {
  ticket: 'TICKET',
  teamEntry: 'TICKET_TEAM_ENTRY',
  sla: 'TICKET_SLA',
  message: 'TICKET_MESSAGE',
  counter: 'TICKET_COUNTER',
  source: 'TICKET_SOURCE',
  messageSource: 'TICKET_MESSAGE_SOURCE',
  reference: 'TICKET_REFERENCE',
  rules: 'TICKET_RULES',
  settings: 'TICKET_SETTINGS',
} as const;

/** A source's message id can be long and hold any character: keys carry its digest. */
const digest = (sourceMessageId: string) => createHash('sha256').update(sourceMessageId).digest('base64url');

const partition = (tenantId: string, id: string) => `${tenantKey(tenantId)}#TI#${id}`;

export const ticketKeys = {
  /** A ticket: GetItem by id (with its SLA snapshot, one Query of the partition's `T` prefix). */
  ticket: (tenantId: string, id: string) => ({ PK: partition(tenantId, id), SK: 'T' }),
  /** The SLA snapshot beside its ticket, written by the SLA context without touching the ticket's version. */
  sla: (tenantId: string, id: string) => ({ PK: partition(tenantId, id), SK: 'TSLA' }),
  ticketPrefix: 'T',
  /** GSI1: a contact's tickets, newest first. */
  contactList: (tenantId: string, contactId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#TI#C#${contactId}`, GSI1SK: id }),
  contactPartition: (tenantId: string, contactId: string) => `${tenantKey(tenantId)}#TI#C#${contactId}`,
  /** GSI2: the tickets in one status, oldest first (a queue). */
  statusList: (tenantId: string, status: string, id: string) => ({ GSI2PK: `${tenantKey(tenantId)}#TI#ST#${status}`, GSI2SK: id }),
  statusPartition: (tenantId: string, status: string) => `${tenantKey(tenantId)}#TI#ST#${status}`,
  /** GSI3: an assignee's tickets, oldest first (only assigned tickets carry it). */
  assigneeList: (tenantId: string, assigneeId: string, id: string) => ({
    GSI3PK: `${tenantKey(tenantId)}#TI#A#${assigneeId}`,
    GSI3SK: id,
  }),
  assigneePartition: (tenantId: string, assigneeId: string) => `${tenantKey(tenantId)}#TI#A#${assigneeId}`,
  /** A copy of a ticket with a team, in the ticket's partition; GSI1 lists a team's tickets, oldest first. */
  teamEntry: (tenantId: string, id: string) => ({ PK: partition(tenantId, id), SK: 'L#TEAM' }),
  teamList: (tenantId: string, teamId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#TI#TEAM#${teamId}`, GSI1SK: id }),
  teamPartition: (tenantId: string, teamId: string) => `${tenantKey(tenantId)}#TI#TEAM#${teamId}`,
  /** A conversation message in its ticket's partition; the conversation is one Query, oldest first by ULID. */
  message: (tenantId: string, ticketId: string, id: string) => ({ PK: partition(tenantId, ticketId), SK: `M#${id}` }),
  messagePrefix: 'M#',
  ticketPartition: partition,
  /** The tenant's reference counter ("T-1042"): one UpdateItem ADD per ticket. */
  counter: (tenantId: string) => ({ PK: `${tenantKey(tenantId)}#TIREF`, SK: 'TIREF' }),
  /** Guard: the ticket a source message opened (idempotent intake). */
  source: (tenantId: string, sourceMessageId: string) => ({ PK: `${tenantKey(tenantId)}#TISRC#${digest(sourceMessageId)}`, SK: 'TISRC' }),
  /** The ticket a reference names ("T-1042" in a mail subject): written with the ticket, read by GetItem. */
  reference: (tenantId: string, reference: string) => ({ PK: `${tenantKey(tenantId)}#TIREF#${reference}`, SK: 'TIREF' }),
  /** Guard: the conversation message a source message added (idempotent replies). */
  messageSource: (tenantId: string, sourceMessageId: string) => ({
    PK: `${tenantKey(tenantId)}#TIMSRC#${digest(sourceMessageId)}`,
    SK: 'TIMSRC',
  }),
  /** The tenant's classification rules: GetItem. */
  rules: (tenantId: string) => ({ PK: `${tenantKey(tenantId)}#TIRULES`, SK: 'TIRULES' }),
  /** The tenant's ticket settings (reopen window): GetItem. */
  settings: (tenantId: string) => ({ PK: `${tenantKey(tenantId)}#TISET`, SK: 'TISET' }),
} as const;

/** What the ticket item stores: the ticket without its SLA snapshot (kept beside it). */
const stored = (t: Ticket) => {
  const { sla: _sla, ...rest } = t;
  return rest;
};

export const ticketItem = (tenantId: string, t: Ticket) => ({
  ...ticketKeys.ticket(tenantId, t.id),
  ...ticketKeys.contactList(tenantId, t.contactId, t.id),
  ...ticketKeys.statusList(tenantId, t.status, t.id),
  ...(t.assigneeId && ticketKeys.assigneeList(tenantId, t.assigneeId, t.id)),
  entity: ticketEntities.ticket,
  ...stored(t),
});

export const teamEntryItem = (tenantId: string, t: Ticket & { teamId: string }) => ({
  ...ticketKeys.teamEntry(tenantId, t.id),
  ...ticketKeys.teamList(tenantId, t.teamId, t.id),
  entity: ticketEntities.teamEntry,
  ...stored(t),
});

export const slaItem = (tenantId: string, ticketId: string, sla: TicketSla) => ({
  ...ticketKeys.sla(tenantId, ticketId),
  entity: ticketEntities.sla,
  ticketId,
  sla,
});

export const messageItem = (tenantId: string, m: TicketMessage) => ({
  ...ticketKeys.message(tenantId, m.ticketId, m.id),
  entity: ticketEntities.message,
  ...m,
});
