import { isWriteConflict } from '../../shared/db/transact.ts';
import { type Actor, actorId } from '../../shared/domain/actor.ts';
import { conflict, notFound, preconditionFailed, unprocessable } from '../../shared/errors.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { retry } from '../../shared/retry.ts';
import { classify, higherPriority, ruleDocument } from './classify.ts';
import { documents } from './documents.ts';
import { ticketEvents } from './events.ts';
import type { PageRequest, TicketConflict, TicketFilter, TicketRepository } from './repository.ts';
import type { NewTicket, Ticket, TicketMessage, TicketPatch, TicketPriority, TicketSla } from './schemas.ts';
import { canMove, customerReplyEffect, enterStatus, transitions } from './status.ts';

/** What tickets need to know of a contact: classification facts, the owner (sales reads), the company. */
export interface ContactView {
  id: string;
  ownerId?: string;
  companyId?: string;
  lifecycleStage?: string;
  tags?: string[];
  attributes?: Record<string, unknown>;
}

/** The contacts context, as tickets use it (contactsApi in the handler and api.ts). */
export interface TicketReferences {
  contact(tenantId: string, contactId: string): Promise<ContactView | undefined>;
  /** The contact holding this email, created through the contact dedupe when none does. */
  contactForEmail(tenantId: string, input: { email: string; firstName?: string; lastName?: string }, actor: Actor): Promise<ContactView>;
}

export type NewMessage = Omit<TicketMessage, 'id' | 'ticketId' | 'createdAt'> & { sourceMessageId?: string };

const writeAttempts = 8;
const versionLost = (error: unknown) => isWriteConflict<TicketConflict>(error, 'VERSION');

export const ticketService = (repo: TicketRepository, refs: TicketReferences) => {
  const docs = documents(repo);

  const get = async (tenantId: string, ticketId: string) => repo.getTicket(tenantId, ticketId, true);

  /** Opens a ticket with its first message (the customer's request), classification rules applied. */
  const open = async (
    tenantId: string,
    input: NewTicket & { previousTicketId?: string },
    actor: Actor,
  ): Promise<{ ticket: Ticket; message: TicketMessage; created: boolean }> => {
    const repeat = async () => {
      const id = input.sourceMessageId && (await repo.ticketOfSource(tenantId, input.sourceMessageId));
      const ticket = id ? await get(tenantId, id) : undefined;
      if (!ticket) return undefined;
      const first = (await repo.conversation(tenantId, ticket.id, false, { limit: 1 })).items[0]!;
      return { ticket, message: first, created: false };
    };
    const earlier = await repeat();
    if (earlier) return earlier;
    const contact = await refs.contact(tenantId, input.contactId);
    if (!contact) throw unprocessable('the contact does not exist', { errors: { 'body.contactId': [`no contact ${input.contactId}`] } });
    const rules = await docs.rules(tenantId);
    const tags = [...new Set(input.tags ?? [])];
    const found = classify(rules.rules, ruleDocument({ subject: input.subject, body: input.body, channel: input.channel, tags }, contact));
    const now = clock().now().toISOString();
    const id = newId();
    const priority: TicketPriority = higherPriority(input.priority ?? 'normal', found.priority);
    const ticket: Ticket = {
      id,
      reference: `T-${await repo.nextReference(tenantId)}`,
      contactId: contact.id,
      ...(contact.companyId && { companyId: contact.companyId }),
      subject: input.subject,
      channel: input.channel,
      status: 'new',
      priority,
      ...((input.category ?? found.category) && { category: input.category ?? found.category }),
      tags: [...new Set([...tags, ...found.tags])],
      ...((input.teamId ?? found.teamId) && { teamId: input.teamId ?? found.teamId }),
      createdAt: now,
      updatedAt: now,
      ...(input.previousTicketId && { previousTicketId: input.previousTicketId }),
      createdBy: actorId(actor),
      version: 1,
    };
    const message: TicketMessage = {
      id: newId(),
      ticketId: id,
      author: 'customer',
      authorId: contact.id,
      body: input.body,
      public: true,
      channel: input.channel,
      createdAt: now,
    };
    try {
      await repo.saveTicket(
        tenantId,
        { after: ticket, message, ticketSource: input.sourceMessageId, contactId: contact.id },
        ticketEvents(tenantId, undefined, ticket),
      );
    } catch (error) {
      if (isWriteConflict<TicketConflict>(error, 'DEDUPE')) {
        const first = await repeat();
        if (first) return first;
      }
      if (isWriteConflict<TicketConflict>(error, 'CONTACT'))
        throw unprocessable('the contact does not exist', { errors: { 'body.contactId': ['deleted'] } });
      throw error;
    }
    return { ticket, message, created: true };
  };

  /** Reads the ticket, checks If-Match, applies `change`; a lost race is retried on fresh data unless If-Match pinned the version. */
  const changeTicket = <T>(tenantId: string, id: string, ifMatch: number | undefined, change: (before: Ticket) => Promise<T>) =>
    retry(
      async () => {
        const before = await get(tenantId, id);
        if (!before) throw notFound('ticket');
        if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
        return change(before);
      },
      { attempts: writeAttempts, retryOn: (error) => ifMatch === undefined && versionLost(error) },
    ).catch((error) => {
      if (versionLost(error) && ifMatch !== undefined) throw preconditionFailed();
      throw error;
    });

  const bump = (t: Ticket, now: string): Ticket => ({ ...t, version: t.version + 1, updatedAt: now });

  /** Saves `after` over `before` with the events of the change; unchanged tickets are not written. */
  const save = async (tenantId: string, before: Ticket, after: Ticket, message?: TicketMessage, messageSource?: string) => {
    await repo.saveTicket(tenantId, { before, after, message, messageSource }, ticketEvents(tenantId, before, after, message));
    return after;
  };

  /** PATCH rules: an allowed status move (422 otherwise); null clears category, team, assignee. */
  const patch = (tenantId: string, id: string, body: TicketPatch, ifMatch: number | undefined) =>
    changeTicket(tenantId, id, ifMatch, async (before) => {
      const now = clock().now().toISOString();
      let after = bump(before, now);
      for (const field of ['subject', 'priority', 'tags'] as const)
        if (body[field] !== undefined) Object.assign(after, { [field]: body[field] });
      for (const field of ['category', 'teamId', 'assigneeId'] as const) {
        const value = body[field];
        if (value === null) delete after[field];
        else if (value !== undefined) after[field] = value;
      }
      if (body.status && body.status !== before.status) {
        if (!canMove(before.status, body.status))
          throw unprocessable(`a ${before.status} ticket cannot move to ${body.status}`, {
            errors: { 'body.status': [`from ${before.status}: ${transitions[before.status].join(', ') || 'no other status'}`] },
            allowed: transitions[before.status],
          });
        after = enterStatus(after, body.status, now);
      }
      const { version: _v, updatedAt: _u, sla: _s, ...a } = after;
      const { version: _bv, updatedAt: _bu, sla: _bs, ...b } = before;
      if (JSON.stringify(a) === JSON.stringify(b)) return before;
      return save(tenantId, before, after);
    });

  /** Adds a reply or note and what it does to the status; a late customer reply opens a follow-up ticket instead. */
  const reply = async (tenantId: string, ticketId: string, input: NewMessage, actor: Actor) => {
    const repeat = async () => {
      const ref = input.sourceMessageId && (await repo.messageOfSource(tenantId, input.sourceMessageId));
      if (!ref) return undefined;
      const [tid, mid] = ref.split('/') as [string, string];
      const [ticket, message] = await Promise.all([get(tenantId, tid), repo.getMessage(tenantId, tid, mid)]);
      return ticket && message ? { ticket, message } : undefined;
    };
    const earlier = await repeat();
    if (earlier) return earlier;
    if (input.author === 'customer' && !input.public) throw unprocessable('a customer message is always public');
    const { reopenWindowDays } = await docs.settings(tenantId);
    try {
      return await changeTicket(tenantId, ticketId, undefined, async (before) => {
        const now = clock().now();
        const at = now.toISOString();
        if (input.author === 'customer' && customerReplyEffect(before, now, reopenWindowDays) === 'follow-up') {
          const opened = await open(
            tenantId,
            {
              contactId: before.contactId,
              subject: before.subject,
              body: input.body,
              channel: input.channel,
              priority: before.priority,
              category: before.category,
              teamId: before.teamId,
              sourceMessageId: input.sourceMessageId,
              previousTicketId: before.id,
            },
            actor,
          );
          return { ticket: opened.ticket, message: opened.message };
        }
        if (input.author === 'agent' && input.public && before.status === 'closed')
          throw conflict('the ticket is closed: a reply would reach the customer on a finished conversation; open a new ticket', {
            ticketStatus: before.status,
          });
        const message: TicketMessage = {
          id: newId(),
          ticketId: before.id,
          author: input.author,
          authorId: input.authorId,
          body: input.body,
          public: input.public,
          channel: input.channel,
          createdAt: at,
        };
        let after = bump(before, at);
        if (input.author === 'agent' && input.public) {
          after.firstResponseAt ??= at;
          if (before.status === 'new') after = enterStatus(after, 'open', at);
        }
        if (input.author === 'customer' && ['pending_customer', 'resolved'].includes(before.status)) after = enterStatus(after, 'open', at);
        return { ticket: await save(tenantId, before, after, message, input.sourceMessageId), message };
      });
    } catch (error) {
      if (isWriteConflict<TicketConflict>(error, 'DEDUPE')) {
        const first = await repeat();
        if (first) return first;
      }
      throw error;
    }
  };

  /** Team and assignee; with `expectedAssigneeId` (null: unassigned) refuses when another writer assigned it first. */
  const assign = (
    tenantId: string,
    ticketId: string,
    change: { teamId?: string; assigneeId?: string; expectedAssigneeId?: string | null },
  ): Promise<Ticket | undefined> =>
    changeTicket(tenantId, ticketId, undefined, async (before) => {
      if (change.expectedAssigneeId !== undefined && (before.assigneeId ?? null) !== change.expectedAssigneeId) return undefined;
      const after = bump(before, clock().now().toISOString());
      if (change.teamId !== undefined) after.teamId = change.teamId;
      if (change.assigneeId !== undefined) after.assigneeId = change.assigneeId;
      if (after.teamId === before.teamId && after.assigneeId === before.assigneeId) return before;
      return save(tenantId, before, after);
    });

  const recordSla = async (tenantId: string, ticketId: string, sla: TicketSla) => {
    await repo.recordSla(tenantId, ticketId, sla);
  };

  return {
    get,
    open,
    reply,
    patch,
    assign,
    recordSla,
    conversation: (tenantId: string, ticketId: string, publicOnly: boolean, page: PageRequest) =>
      repo.conversation(tenantId, ticketId, publicOnly, page),
    ofContact: (tenantId: string, contactId: string, page: PageRequest) => repo.ofContact(tenantId, contactId, page),
    list: (tenantId: string, filter: TicketFilter, page: PageRequest) => repo.list(tenantId, filter, page),
    docs,
  };
};
export type TicketService = ReturnType<typeof ticketService>;
