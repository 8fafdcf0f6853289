import type { SendRequest } from '../../../functions/messaging/api.ts';
import type { PortalCustomer, PortalRepository, SignInConflict } from '../../../functions/portal/repository.ts';
import type { KbArticle, KbHit, PortalSurvey } from '../../../functions/portal/schemas.ts';
import type { PortalPorts } from '../../../functions/portal/service.ts';
import type { NewTicket, Ticket, TicketMessage } from '../../../functions/tickets/api.ts';
import type { Page, PageRequest } from '../../../shared/db/query.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';
import { newId } from '../../../shared/ports/ids.ts';

const copy = <T>(value: T): T => structuredClone(value);
const pageOf = <T>(all: T[], { limit, cursor }: PageRequest): Page<T> => {
  const start = cursor ? Number(cursor) : 0;
  return { items: all.slice(start, start + limit).map(copy), nextCursor: start + limit < all.length ? String(start + limit) : undefined };
};

/** The portal's items in memory: link uses written once, the customer at the version read, counters per window. */
export const fakePortalRepository = () => {
  const customers = new Map<string, PortalCustomer>();
  const usedLinks = new Set<string>();
  const hits = new Map<string, number>();
  const events: DomainEvent[] = [];
  const k = (...parts: (string | number)[]) => parts.join('|');
  const repo: PortalRepository = {
    async countSignIn(tenantId, scope, window, limit) {
      const key = k(tenantId, scope, window);
      const count = hits.get(key) ?? 0;
      if (count >= limit) return false;
      hits.set(key, count + 1);
      return true;
    },
    getCustomer: async (tenantId, contactId) => copy(customers.get(k(tenantId, contactId))),
    async signIn(tenantId, link, customer, readVersion, written) {
      const failed: SignInConflict[] = [];
      if (usedLinks.has(k(tenantId, link.linkId))) failed.push('USED');
      if (customers.get(k(tenantId, customer.contactId))?.sessionVersion !== readVersion) failed.push('CUSTOMER');
      if (failed.length) throw new WriteConflict<SignInConflict>(failed[0]!, failed);
      usedLinks.add(k(tenantId, link.linkId));
      customers.set(k(tenantId, customer.contactId), copy(customer));
      events.push(...written);
    },
    async signOut(tenantId, contactId, written) {
      const customer = customers.get(k(tenantId, contactId));
      if (!customer) throw new WriteConflict('CUSTOMER', ['CUSTOMER']);
      customer.sessionVersion += 1;
      events.push(...written);
    },
  };
  return { repo, events, customers };
};

/** The tickets API as the portal uses it, in memory: tickets per tenant, conversations with internal notes. */
export const fakeTicketsPort = () => {
  const tickets = new Map<string, Ticket>();
  const messages = new Map<string, TicketMessage[]>();
  const k = (tenantId: string, id: string) => `${tenantId}|${id}`;
  let reference = 1000;
  const at = () => new Date().toISOString();
  const port: PortalPorts['tickets'] = {
    get: async ({ tenantId, ticketId }) => copy(tickets.get(k(tenantId, ticketId))),
    async open({ tenantId, input }: { tenantId: string; input: NewTicket }) {
      const ticket: Ticket = {
        id: newId(),
        reference: `T-${++reference}`,
        contactId: input.contactId,
        subject: input.subject,
        channel: input.channel,
        status: 'new',
        priority: input.priority ?? 'normal',
        tags: [],
        assigneeId: 'agent-1',
        teamId: 'team-1',
        createdAt: at(),
        updatedAt: at(),
        version: 1,
      };
      tickets.set(k(tenantId, ticket.id), ticket);
      messages.set(k(tenantId, ticket.id), [
        {
          id: newId(),
          ticketId: ticket.id,
          author: 'customer',
          authorId: input.contactId,
          body: input.body,
          public: true,
          channel: input.channel,
          createdAt: at(),
        },
      ]);
      return { ticket: copy(ticket), created: true };
    },
    async reply({ tenantId, ticketId, message }) {
      const ticket = tickets.get(k(tenantId, ticketId));
      if (!ticket) throw new Error('no such ticket');
      const stored: TicketMessage = { ...message, id: newId(), ticketId, createdAt: at() };
      messages.get(k(tenantId, ticketId))!.push(stored);
      ticket.updatedAt = at();
      return { ticket: copy(ticket), message: copy(stored) };
    },
    conversation: async ({ tenantId, ticketId, publicOnly, page }) =>
      pageOf(
        (messages.get(k(tenantId, ticketId)) ?? []).filter((m) => !publicOnly || m.public),
        page,
      ),
    ofContact: async ({ tenantId, contactId, page }) =>
      pageOf(
        [...tickets.entries()]
          .filter(([key, t]) => key.startsWith(`${tenantId}|`) && t.contactId === contactId)
          .map(([, t]) => t)
          .reverse(),
        page,
      ),
  };
  return { port, tickets, messages };
};

/** Every port of the portal over fakes: contacts by email, the outbox of sends, surveys and articles given by the test. */
export const fakePortalPorts = () => {
  const tickets = fakeTicketsPort();
  const contacts = new Map<string, string>();
  const sent: SendRequest[] = [];
  const surveys = new Map<string, PortalSurvey[]>();
  const articles: (KbArticle & { tenantId: string })[] = [];
  const ports: PortalPorts = {
    tickets: tickets.port,
    kb: {
      search: async (tenantId, q) =>
        articles
          .filter((a) => a.tenantId === tenantId && `${a.title} ${a.body}`.toLowerCase().includes(q.toLowerCase()))
          .map((a): KbHit => ({ slug: a.slug, title: a.title, locale: a.locale })),
      article: async (tenantId, slug) => {
        const found = articles.find((a) => a.tenantId === tenantId && a.slug === slug);
        if (!found) return undefined;
        const { tenantId: _, ...article } = found;
        return article;
      },
    },
    contactByEmail: async (tenantId, email) => {
      const id = contacts.get(`${tenantId}|${email}`);
      return id ? { id } : undefined;
    },
    pendingSurveys: async (tenantId, contactId) => surveys.get(`${tenantId}|${contactId}`) ?? [],
    send: async (request) => {
      sent.push(request);
      return { status: 'sent', messageId: newId() };
    },
  };
  return {
    ports,
    tickets,
    sent,
    articles,
    surveys,
    addContact: (tenantId: string, email: string) => {
      const id = newId();
      contacts.set(`${tenantId}|${email}`, id);
      return id;
    },
  };
};
