import type { Page, PageRequest, TicketConflict, TicketFilter, TicketRepository } from '../../../functions/tickets/repository.ts';
import type { Ticket, TicketMessage, TicketSla } from '../../../functions/tickets/schemas.ts';
import type { ContactView, TicketReferences } from '../../../functions/tickets/service.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';

const copy = <T>(value: T): T => structuredClone(value);

/** Offset cursors over a sorted array: enough for the fake's listings. */
const pageOf = <T>(all: T[], { limit, cursor }: PageRequest): Page<T> => {
  const start = cursor ? Number(cursor) : 0;
  const items = all.slice(start, start + limit).map(copy);
  return { items, nextCursor: start + limit < all.length ? String(start + limit) : undefined };
};

/**
 * The tickets repository in memory, with the conditions of the real one: a
 * version per ticket, the source guards, contact existence, SLA revisions.
 * Every successful write appends its events to `events`.
 */
export const fakeTicketRepository = () => {
  const tickets = new Map<string, Ticket>();
  const slas = new Map<string, TicketSla>();
  const messages = new Map<string, TicketMessage[]>();
  const guards = new Map<string, string>();
  const documents = new Map<string, Record<string, unknown> & { version: number }>();
  const counters = new Map<string, number>();
  const contacts = new Map<string, ContactView>();
  const events: DomainEvent[] = [];
  const k = (...parts: string[]) => parts.join('|');
  const fail = (...reasons: TicketConflict[]) => {
    throw new WriteConflict<TicketConflict>(reasons[0]!, reasons);
  };
  const tenantTickets = (tenantId: string) =>
    [...tickets.entries()]
      .filter(([key]) => key.startsWith(`${tenantId}|`))
      .map(([, t]) => t)
      .sort((a, b) => a.id.localeCompare(b.id));
  const matches = (t: Ticket, f: TicketFilter) =>
    (!f.status || t.status === f.status) && (!f.assigneeId || t.assigneeId === f.assigneeId) && (!f.teamId || t.teamId === f.teamId);

  const repo: TicketRepository = {
    async getTicket(tenantId, id) {
      const t = tickets.get(k(tenantId, id));
      if (!t) return undefined;
      const sla = slas.get(k(tenantId, id));
      return copy({ ...t, ...(sla && { sla }) });
    },
    async nextReference(tenantId) {
      const n = (counters.get(tenantId) ?? 0) + 1;
      counters.set(tenantId, n);
      return 1000 + n;
    },
    async saveTicket(tenantId, { before, after, message, ticketSource, messageSource, contactId }, written) {
      const failed: TicketConflict[] = [];
      const stored = tickets.get(k(tenantId, after.id));
      if (before ? stored?.version !== before.version : stored) failed.push(before ? 'VERSION' : 'EXISTS');
      if (ticketSource && guards.has(k(tenantId, 'T', ticketSource))) failed.push('DEDUPE');
      if (messageSource && guards.has(k(tenantId, 'M', messageSource))) failed.push('DEDUPE');
      if (contactId && !contacts.has(k(tenantId, contactId))) failed.push('CONTACT');
      if (failed.length) fail(...failed);
      const { sla: _sla, ...ticket } = after;
      tickets.set(k(tenantId, after.id), copy(ticket));
      if (message) messages.set(k(tenantId, message.ticketId), [...(messages.get(k(tenantId, message.ticketId)) ?? []), copy(message)]);
      if (ticketSource) guards.set(k(tenantId, 'T', ticketSource), after.id);
      if (!before) guards.set(k(tenantId, 'R', after.reference), after.id);
      if (messageSource && message) guards.set(k(tenantId, 'M', messageSource), `${message.ticketId}/${message.id}`);
      events.push(...written);
    },
    ticketOfSource: async (tenantId, source) => guards.get(k(tenantId, 'T', source)),
    ticketOfReference: async (tenantId, reference) => guards.get(k(tenantId, 'R', reference)),
    messageOfSource: async (tenantId, source) => guards.get(k(tenantId, 'M', source)),
    getMessage: async (tenantId, ticketId, messageId) => copy(messages.get(k(tenantId, ticketId))?.find((m) => m.id === messageId)),
    conversation: async (tenantId, ticketId, publicOnly, page) =>
      pageOf(
        (messages.get(k(tenantId, ticketId)) ?? []).filter((m) => !publicOnly || m.public),
        page,
      ),
    ofContact: async (tenantId, contactId, page) =>
      pageOf(
        tenantTickets(tenantId)
          .filter((t) => t.contactId === contactId)
          .reverse(),
        page,
      ),
    list: async (tenantId, filter, page) =>
      pageOf(
        tenantTickets(tenantId).filter((t) => matches(t, filter)),
        page,
      ),
    async recordSla(tenantId, ticketId, sla) {
      if (!tickets.has(k(tenantId, ticketId))) return false;
      const stored = slas.get(k(tenantId, ticketId));
      if (stored && stored.revision >= sla.revision) return false;
      slas.set(k(tenantId, ticketId), copy(sla));
      return true;
    },
    getDocument: async <T>(tenantId: string, which: string) =>
      copy(documents.get(k(tenantId, which))) as (T & { version: number }) | undefined,
    async putDocument(tenantId, which, doc, seenVersion, written) {
      if ((documents.get(k(tenantId, which))?.version ?? 0) !== seenVersion) fail('VERSION');
      documents.set(k(tenantId, which), copy(doc) as never);
      events.push(...written);
    },
  };

  const references: TicketReferences = {
    contact: async (tenantId, contactId) => copy(contacts.get(k(tenantId, contactId))),
    async contactForEmail(tenantId, { email }) {
      const found = [...contacts.entries()].find(([key, c]) => key.startsWith(`${tenantId}|`) && c.attributes?.email === email);
      if (found) return copy(found[1]);
      const made: ContactView = { id: `c-${contacts.size + 1}`, tags: [], attributes: { email } };
      contacts.set(k(tenantId, made.id), made);
      return copy(made);
    },
  };

  return {
    repo,
    references,
    events,
    /** A contact the fake's conditions and references treat as existing. */
    addContact: (tenantId: string, contact: ContactView) => contacts.set(k(tenantId, contact.id), copy(contact)),
    removeContact: (tenantId: string, id: string) => contacts.delete(k(tenantId, id)),
    /** Changes a stored ticket behind the service's back (a concurrent writer). */
    touch: (tenantId: string, id: string, change: Partial<Ticket>) => {
      const t = tickets.get(k(tenantId, id))!;
      tickets.set(k(tenantId, id), { ...t, ...change, version: t.version + 1 });
    },
  };
};
export type FakeTickets = ReturnType<typeof fakeTicketRepository>;
