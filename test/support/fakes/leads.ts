import type { LeadUniqueKind } from '../../../functions/leads/items.ts';
import type { LeadConflict, LeadRepository, Page, PageRequest } from '../../../functions/leads/repository.ts';
import type { Lead, LeadForm, Routing, ScoringRules } from '../../../functions/leads/schemas.ts';
import type { ContactFields, LeadReferences } from '../../../functions/leads/service.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import { conflict } from '../../../shared/errors.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';
import { newId } from '../../../shared/ports/ids.ts';

const copy = <T>(value: T): T => structuredClone(value);

const pageOf = <T>(all: T[], { limit, cursor }: PageRequest): Page<T> => {
  const start = cursor ? Number(cursor) : 0;
  const items = all.slice(start, start + limit).map(copy);
  return { items, nextCursor: start + limit < all.length ? String(start + limit) : undefined };
};

const uniques = (l: Lead): [LeadUniqueKind, string][] => [
  ...(l.email ? [['EMAIL', l.email] as [LeadUniqueKind, string]] : []),
  ...(l.phone ? [['PHONE', l.phone] as [LeadUniqueKind, string]] : []),
];

/**
 * The leads repository in memory, with the conditions of the real one: a
 * version per lead, one guard per email and phone, fixed-window counters and
 * the routing counter. Each await yields, so concurrent captures interleave.
 */
export const fakeLeadRepository = () => {
  const leads = new Map<string, Lead>();
  const guards = new Map<string, string>();
  const forms = new Map<string, LeadForm>();
  const hits = new Map<string, number>();
  const scoring = new Map<string, ScoringRules>();
  const routing = new Map<string, Routing & { turns: number }>();
  const contacts = new Map<string, string>();
  const events: DomainEvent[] = [];
  const k = (...parts: (string | number)[]) => parts.join('|');
  const fail = (...reasons: LeadConflict[]) => {
    throw new WriteConflict<LeadConflict>(reasons[0]!, reasons);
  };
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const tenantLeads = (tenantId: string) =>
    [...leads.entries()]
      .filter(([key]) => key.startsWith(`${tenantId}|`))
      .map(([, l]) => l)
      .sort((a, b) => a.id.localeCompare(b.id));

  const repo: LeadRepository = {
    getLead: async (tenantId, id) => (await tick(), copy(leads.get(k(tenantId, id)))),
    leadIdByUnique: async (tenantId, kind, value) => (await tick(), guards.get(k(tenantId, kind, value))),
    async createLead(tenantId, lead, written) {
      await tick();
      const taken = uniques(lead).filter(([kind, value]) => guards.has(k(tenantId, kind, value)));
      if (leads.has(k(tenantId, lead.id))) fail('EXISTS');
      if (taken.length) fail(...taken.map(([kind]) => kind));
      leads.set(k(tenantId, lead.id), copy(lead));
      for (const [kind, value] of uniques(lead)) guards.set(k(tenantId, kind, value), lead.id);
      events.push(...written);
    },
    async updateLead(tenantId, before, after, written) {
      await tick();
      if (leads.get(k(tenantId, before.id))?.version !== before.version) fail('VERSION');
      const added = uniques(after).filter(([kind, value]) => !uniques(before).some(([k2, v2]) => k2 === kind && v2 === value));
      const taken = added.filter(([kind, value]) => guards.has(k(tenantId, kind, value)));
      if (taken.length) fail(...taken.map(([kind]) => kind));
      for (const [kind, value] of uniques(before)) guards.delete(k(tenantId, kind, value));
      for (const [kind, value] of uniques(after)) guards.set(k(tenantId, kind, value), after.id);
      leads.set(k(tenantId, after.id), copy(after));
      events.push(...written);
    },
    listByStatus: async (tenantId, status, page) =>
      pageOf(
        tenantLeads(tenantId).filter((l) => l.status === status),
        page,
      ),
    listByOwner: async (tenantId, ownerId, page) =>
      pageOf(
        tenantLeads(tenantId).filter((l) => l.ownerId === ownerId),
        page,
      ),
    async createForm(tenantId, form, written) {
      if (forms.has(k(tenantId, form.localId))) fail('EXISTS');
      forms.set(k(tenantId, form.localId), copy(form));
      events.push(...written);
    },
    getForm: async (tenantId, localId) => copy(forms.get(k(tenantId, localId))),
    listForms: async (tenantId, page) =>
      pageOf(
        [...forms.entries()].filter(([key]) => key.startsWith(`${tenantId}|`)).map(([, f]) => f),
        page,
      ),
    async countHit(tenantId, localId, scope, window, limit) {
      const key = k(tenantId, localId, scope, window);
      const n = hits.get(key) ?? 0;
      if (n >= limit) return false;
      hits.set(key, n + 1);
      return true;
    },
    getScoring: async (tenantId) => copy(scoring.get(tenantId)),
    async putScoring(tenantId, rules, expected, written) {
      if ((scoring.get(tenantId)?.version ?? 0) !== expected) fail('VERSION');
      scoring.set(tenantId, copy(rules));
      events.push(...written);
    },
    getRouting: async (tenantId) => copy(routing.get(tenantId)),
    async putRouting(tenantId, r, expected, written) {
      const current = routing.get(tenantId);
      if ((current?.version ?? 0) !== expected) fail('VERSION');
      routing.set(tenantId, { ...copy(r), turns: current?.turns ?? 0 });
      events.push(...written);
    },
    async nextTurn(tenantId) {
      await tick();
      const current = routing.get(tenantId)!;
      current.turns += 1;
      return current.turns;
    },
  };

  const contactRecords = new Map<string, ContactFields>();
  const companies = new Map<string, string>();
  const made = { contacts: 0, companies: 0, deals: [] as string[], timeline: new Set<string>() };
  const references: LeadReferences = {
    contactByEmail: async (tenantId, email) => contacts.get(k(tenantId, 'EMAIL', email)),
    contactByPhone: async (tenantId, phone) => contacts.get(k(tenantId, 'PHONE', phone)),
    async createContact(tenantId, fields) {
      const existing = (fields.email && contacts.get(k(tenantId, 'EMAIL', fields.email))) || undefined;
      if (existing) throw conflict('a contact with this email already exists', { existingId: existing });
      const id = newId();
      made.contacts++;
      contactRecords.set(k(tenantId, id), { ...fields });
      if (fields.email) contacts.set(k(tenantId, 'EMAIL', fields.email), id);
      if (fields.phone) contacts.set(k(tenantId, 'PHONE', fields.phone), id);
      return id;
    },
    async fillContact(tenantId, contactId, fields) {
      const record = contactRecords.get(k(tenantId, contactId)) ?? {};
      for (const [key, value] of Object.entries(fields) as [keyof ContactFields, string | undefined][])
        if (value !== undefined && record[key] === undefined) record[key] = value;
      contactRecords.set(k(tenantId, contactId), record);
    },
    companyByDomain: async (tenantId, domain) => companies.get(k(tenantId, domain)),
    async createCompany(tenantId, { domain }) {
      const id = newId();
      made.companies++;
      if (domain) companies.set(k(tenantId, domain), id);
      return id;
    },
    async createDeal(_tenantId, { id }) {
      // As dealsApi.create: an id already used answers that deal.
      if (!made.deals.includes(id)) made.deals.push(id);
      return id;
    },
    async recordConverted(tenantId, contactId, lead) {
      made.timeline.add(k(tenantId, contactId, lead.id));
    },
  };

  return {
    repo,
    references,
    events,
    leads: (tenantId: string) => tenantLeads(tenantId),
    made,
    contact: (tenantId: string, id: string) => contactRecords.get(k(tenantId, id)),
    /** A contact the references find by its email or phone. */
    addContact: (tenantId: string, id: string, fields: ContactFields) => {
      contactRecords.set(k(tenantId, id), { ...fields });
      if (fields.email) contacts.set(k(tenantId, 'EMAIL', fields.email), id);
      if (fields.phone) contacts.set(k(tenantId, 'PHONE', fields.phone), id);
    },
  };
};
export type FakeLeads = ReturnType<typeof fakeLeadRepository>;
