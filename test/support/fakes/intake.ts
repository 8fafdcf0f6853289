import type { Contact } from '../../../functions/contacts/api.ts';
import type { IntakeConflict, IntakeRepository, Landed, Page, PageRequest } from '../../../functions/intake/repository.ts';
import type { TicketForm, TicketIntegration } from '../../../functions/intake/schemas.ts';
import type { IntakePorts } from '../../../functions/intake/service.ts';
import type { NewTicket, Ticket, TicketMessage } from '../../../functions/tickets/api.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import { conflict, notFound } from '../../../shared/errors.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';
import { newId } from '../../../shared/ports/ids.ts';

const copy = <T>(value: T): T => structuredClone(value);
const tick = () => new Promise((resolve) => setImmediate(resolve));
const later = async <T>(value: () => T): Promise<T> => {
  await tick();
  return value();
};
const pageOf = <T>(all: T[], { limit, cursor }: PageRequest): Page<T> => {
  const start = cursor ? Number(cursor) : 0;
  return { items: all.slice(start, start + limit).map(copy), nextCursor: start + limit < all.length ? String(start + limit) : undefined };
};

/** The intake repository in memory, with the real one's conditions: first record wins, versions on delete, fixed-window counters. */
export const fakeIntakeRepository = () => {
  const mail = new Map<string, Landed>();
  const sources = new Map<string, Landed>();
  const threads = new Map<string, string>();
  const integrations = new Map<string, TicketIntegration>();
  const forms = new Map<string, TicketForm>();
  const hits = new Map<string, number>();
  const events: DomainEvent[] = [];
  const k = (...parts: (string | number)[]) => parts.join('|');
  const inTenant = <T extends { localId: string }>(all: Map<string, T>, tenantId: string) =>
    [...all.entries()]
      .filter(([key]) => key.startsWith(`${tenantId}|`))
      .map(([, v]) => v)
      .sort((a, b) => a.localId.localeCompare(b.localId));

  const repo: IntakeRepository = {
    mailTicket: (tenantId, messageId) => later(() => copy(mail.get(k(tenantId, messageId)))),
    async recordMail(tenantId, messageId, landed) {
      await tick();
      if (!mail.has(k(tenantId, messageId))) mail.set(k(tenantId, messageId), copy(landed));
    },
    sourceTicket: (tenantId, integrationId, id) => later(() => copy(sources.get(k(tenantId, integrationId, id)))),
    async recordSource(tenantId, integrationId, id, landed) {
      await tick();
      if (!sources.has(k(tenantId, integrationId, id))) sources.set(k(tenantId, integrationId, id), copy(landed));
    },
    threadTicket: (tenantId, integrationId, threadId) => later(() => threads.get(k(tenantId, integrationId, threadId))),
    async recordThread(tenantId, integrationId, threadId, ticketId) {
      await tick();
      const key = k(tenantId, integrationId, threadId);
      if (!threads.has(key)) threads.set(key, ticketId);
      return threads.get(key)!;
    },
    async createIntegration(tenantId, integration, written) {
      await tick();
      if (integrations.has(k(tenantId, integration.localId))) throw new WriteConflict<IntakeConflict>('EXISTS', ['EXISTS']);
      integrations.set(k(tenantId, integration.localId), copy(integration));
      events.push(...written);
    },
    getIntegration: (tenantId, localId) => later(() => copy(integrations.get(k(tenantId, localId)))),
    listIntegrations: async (tenantId, page) => pageOf(inTenant(integrations, tenantId), page),
    async deleteIntegration(tenantId, integration, written) {
      await tick();
      if (integrations.get(k(tenantId, integration.localId))?.version !== integration.version)
        throw new WriteConflict<IntakeConflict>('VERSION', ['VERSION']);
      integrations.delete(k(tenantId, integration.localId));
      events.push(...written);
    },
    async createForm(tenantId, form, written) {
      await tick();
      forms.set(k(tenantId, form.localId), copy(form));
      events.push(...written);
    },
    getForm: (tenantId, localId) => later(() => copy(forms.get(k(tenantId, localId)))),
    listForms: async (tenantId, page) => pageOf(inTenant(forms, tenantId), page),
    async countHit(tenantId, localId, scope, window, limit) {
      await tick();
      const key = k(tenantId, localId, scope, window);
      const count = hits.get(key) ?? 0;
      if (count >= limit) return false;
      hits.set(key, count + 1);
      return true;
    },
  };
  return { repo, events, mail, sources, threads };
};

/**
 * Tickets and contacts as intake sees them through their APIs: open is
 * idempotent by sourceMessageId and reply by the message's sourceMessageId,
 * as the tickets contract says; contacts keep one per email and phone.
 */
export const fakeIntakePorts = (signingKey = 'test-signing-key') => {
  const tickets = new Map<string, Ticket & { tenantId: string }>();
  const messages: (TicketMessage & { tenantId: string; sourceMessageId?: string })[] = [];
  const opened: (NewTicket & { tenantId: string })[] = [];
  const contacts: (Contact & { tenantId: string })[] = [];
  let references = 1000;
  const at = () => new Date().toISOString();

  const ports: IntakePorts = {
    tickets: {
      async open({ tenantId, input }) {
        await tick();
        const again = input.sourceMessageId && opened.find((o) => o.tenantId === tenantId && o.sourceMessageId === input.sourceMessageId);
        if (again) {
          const ticket = [...tickets.values()].find(
            (t) => t.tenantId === tenantId && (t as { source?: string }).source === input.sourceMessageId,
          )!;
          return { ticket: copy(ticket), created: false };
        }
        opened.push({ ...copy(input), tenantId });
        const ticket = {
          tenantId,
          id: newId(),
          reference: `T-${++references}`,
          contactId: input.contactId,
          subject: input.subject,
          channel: input.channel,
          status: 'new',
          priority: input.priority ?? 'normal',
          tags: input.tags ?? [],
          createdAt: at(),
          updatedAt: at(),
          version: 1,
          ...(input.category && { category: input.category }),
          ...(input.teamId && { teamId: input.teamId }),
          source: input.sourceMessageId,
        } as Ticket & { tenantId: string; source?: string };
        tickets.set(ticket.id, ticket);
        messages.push({
          tenantId,
          id: newId(),
          ticketId: ticket.id,
          author: 'customer',
          authorId: input.contactId,
          body: input.body,
          public: true,
          channel: input.channel,
          createdAt: at(),
        });
        return { ticket: copy(ticket), created: true };
      },
      async reply({ tenantId, ticketId, message }) {
        await tick();
        const ticket = tickets.get(ticketId);
        if (!ticket || ticket.tenantId !== tenantId) throw notFound('ticket');
        const again =
          message.sourceMessageId && messages.find((m) => m.sourceMessageId === message.sourceMessageId && m.tenantId === tenantId);
        if (again) return { ticket: copy(ticket), message: copy(again) };
        const added = { tenantId, id: newId(), ticketId, createdAt: at(), ...copy(message) };
        messages.push(added);
        return { ticket: copy(ticket), message: copy(added) };
      },
      byReference: async ({ tenantId, reference }) => {
        await tick();
        return copy([...tickets.values()].find((t) => t.tenantId === tenantId && t.reference === reference));
      },
    },
    contacts: {
      findByEmail: async ({ tenantId, email }) => copy(contacts.find((c) => c.tenantId === tenantId && c.email === email)),
      findByPhone: async ({ tenantId, phone }) => copy(contacts.find((c) => c.tenantId === tenantId && c.phone === phone)),
      async create({ tenantId, input }) {
        await tick();
        const holder = contacts.find(
          (c) => c.tenantId === tenantId && ((input.email && c.email === input.email) || (input.phone && c.phone === input.phone)),
        );
        if (holder) throw conflict('a contact has this email', { existingId: holder.id });
        const contact = { tenantId, id: newId(), version: 1, tags: [], attributes: {}, consent: {}, ...input } as unknown as Contact & {
          tenantId: string;
        };
        contacts.push(contact);
        return copy(contact);
      },
    },
    signingKey: async () => signingKey,
  };
  return {
    ports,
    tickets: (tenantId: string) => [...tickets.values()].filter((t) => t.tenantId === tenantId),
    messages: (ticketId: string) => messages.filter((m) => m.ticketId === ticketId),
    contacts: (tenantId: string) => contacts.filter((c) => c.tenantId === tenantId),
    opened,
  };
};
