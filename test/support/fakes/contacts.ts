import { searchTerms, type UniqueKind, uniques } from '../../../functions/contacts/items.ts';
import { withFigures } from '../../../functions/contacts/order-figures.ts';
import type { ContactConflict, ContactPage, ContactRepository } from '../../../functions/contacts/repository.ts';
import type { Contact, OrderSummary } from '../../../functions/contacts/schemas.ts';
import type { ContactSource } from '../../../functions/contacts/sources.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';

const fail = (reasons: ContactConflict[]) => {
  if (reasons.length) throw new WriteConflict(reasons[0]!, reasons);
};

/**
 * ContactRepository in memory, with the conditions of the DynamoDB one: a
 * taken unique value fails with its kind, an unknown company with `COMPANY`,
 * a changed version with `VERSION` (the first failed label is the reason, in
 * the DynamoDB repository's item order). `hooks` let a test interleave writers.
 */
export const memoryContacts = (options: { companies?: Iterable<string> } = {}) => {
  const contacts = new Map<string, Contact>();
  const guards = new Map<string, string>();
  const orders = new Map<string, OrderSummary[]>();
  const applied = new Set<string>();
  const companies = new Set(options.companies ?? []);
  const events: DomainEvent[] = [];
  const pages: ContactSource[] = [];
  const hooks: { afterIdByUnique?: () => Promise<void>; beforeUpdate?: (before: Contact) => Promise<void> } = {};
  const guardKey = (tenantId: string, kind: UniqueKind, value: string) => `${tenantId}|${kind}|${value}`;
  const key = (tenantId: string, id: string) => `${tenantId}|${id}`;
  const takenBy = (tenantId: string, c: Contact, owner: string) =>
    uniques(c).flatMap(([kind, value]) => {
      const holder = guards.get(guardKey(tenantId, kind, value));
      return holder && holder !== owner ? [kind] : [];
    });

  const repo: ContactRepository = {
    get: async (tenantId, id) => structuredClone(contacts.get(key(tenantId, id))),
    async touch(tenantId, contactId, kind, at) {
      const c = contacts.get(key(tenantId, contactId));
      if (!c) return;
      const field = kind === 'activity' ? 'lastActivityAt' : 'lastOrderAt';
      if (!c[field] || c[field]! < at) c[field] = at;
      if (c.lastEngagedAt < at) c.lastEngagedAt = at;
      c.version++;
    },
    async recordOrder(tenantId, contactId, order) {
      const list = orders.get(key(tenantId, contactId)) ?? [];
      orders.set(key(tenantId, contactId), [...list.filter((o) => o.orderId !== order.orderId || o.placedAt !== order.placedAt), order]);
    },
    recentOrders: async (tenantId, contactId, limit = 5) =>
      [...(orders.get(key(tenantId, contactId)) ?? [])].sort((a, b) => (a.placedAt < b.placedAt ? 1 : -1)).slice(0, limit),
    async applyOrderFigures(tenantId, contactId, change) {
      const c = contacts.get(key(tenantId, contactId));
      const marker = `${key(tenantId, contactId)}|${change.key}`;
      if (!c || applied.has(marker)) return;
      Object.assign(c, withFigures(c, change));
      c.version++;
      applied.add(marker);
    },
    async deleteOrders(tenantId, contactId) {
      orders.delete(key(tenantId, contactId));
      for (const m of applied) if (m.startsWith(`${key(tenantId, contactId)}|`)) applied.delete(m);
    },
    hasCompanyMembers: async (tenantId, companyId) =>
      [...contacts.entries()].some(([k, c]) => k.startsWith(`${tenantId}|`) && c.companyId === companyId),
    async idByUnique(tenantId, kind, value) {
      const id = guards.get(guardKey(tenantId, kind, value));
      await hooks.afterIdByUnique?.();
      return id;
    },
    async create(tenantId, c, event) {
      await Promise.resolve();
      fail([
        ...(contacts.has(key(tenantId, c.id)) ? (['VERSION'] as const) : []),
        ...takenBy(tenantId, c, c.id),
        ...(c.companyId && !companies.has(c.companyId) ? (['COMPANY'] as const) : []),
      ]);
      contacts.set(key(tenantId, c.id), structuredClone(c));
      for (const [kind, value] of uniques(c)) guards.set(guardKey(tenantId, kind, value), c.id);
      events.push(event);
    },
    async update(tenantId, before, after, event) {
      await hooks.beforeUpdate?.(before);
      const stored = contacts.get(key(tenantId, before.id));
      fail([
        ...(stored?.version !== before.version ? (['VERSION'] as const) : []),
        ...takenBy(tenantId, after, after.id),
        ...(after.companyId && after.companyId !== before.companyId && !companies.has(after.companyId) ? (['COMPANY'] as const) : []),
      ]);
      for (const [kind, value] of uniques(before)) guards.delete(guardKey(tenantId, kind, value));
      for (const [kind, value] of uniques(after)) guards.set(guardKey(tenantId, kind, value), after.id);
      contacts.set(key(tenantId, after.id), structuredClone(after));
      events.push(event);
    },
    async delete(tenantId, c, event) {
      if (contacts.get(key(tenantId, c.id))?.version !== c.version) fail(['VERSION']);
      contacts.delete(key(tenantId, c.id));
      for (const [kind, value] of uniques(c)) guards.delete(guardKey(tenantId, kind, value));
      events.push(event);
    },
    async *engagedOn(tenantId, day) {
      yield [...contacts.entries()].filter(([k, c]) => k.startsWith(`${tenantId}|`) && c.lastEngagedAt.startsWith(day)).map(([, c]) => c);
    },
    async page(tenantId, source, accept, page): Promise<ContactPage<Contact>> {
      pages.push(source);
      const inSource = (c: Contact) => {
        switch (source.kind) {
          case 'company':
            return c.companyId === source.companyId;
          case 'owner':
            return c.ownerId === source.ownerId;
          case 'stage':
            return c.lifecycleStage === source.stage;
          case 'updated':
            return !source.since || c.updatedAt >= source.since;
          case 'name':
            return searchTerms(c).some(([f, t]) => f === 'N' && t.startsWith(source.prefix));
          case 'tag':
            return c.tags.includes(source.tag);
          default:
            return true;
        }
      };
      const items = [...contacts.entries()]
        .filter(([k, c]) => k.startsWith(`${tenantId}|`) && inSource(c) && accept(c))
        .map(([, c]) => c)
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      return { items: items.slice(0, page.limit) };
    },
    deletions: async () => ({ items: [] }),
  };
  return { repo, contacts, events, pages, companies, hooks };
};
