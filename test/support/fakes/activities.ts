import type { ActivityConflict, ActivityRepository } from '../../../functions/activities/repository.ts';
import type { Activity } from '../../../functions/activities/schemas.ts';
import type { Contact } from '../../../functions/contacts/api.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';

/**
 * ActivityRepository in memory, with the DynamoDB one's conditions in its
 * order: an entry already recorded fails with `EXISTS`, an unknown company with
 * `COMPANY`, a contact gone or changed since it was read with `CONTACT`.
 */
export const memoryActivities = (options: { contacts: Map<string, Contact>; companies?: Iterable<string> }) => {
  const entries = new Map<string, Activity>();
  const companies = new Set(options.companies ?? []);
  const events: DomainEvent[] = [];
  const key = (tenantId: string, contactId: string, id: string) => `${tenantId}|${contactId}|${id}`;
  const newestFirst = (xs: Activity[]) => xs.sort((a, b) => (a.id < b.id ? 1 : -1));

  const repo: ActivityRepository = {
    async log(tenantId, a, engaged, companyChanged, event, contactId) {
      const stored = options.contacts.get(contactId);
      const reasons: ActivityConflict[] = [
        ...(entries.has(key(tenantId, a.contactId, a.id)) ? (['EXISTS'] as const) : []),
        ...(companyChanged && a.companyId && !companies.has(a.companyId) ? (['COMPANY'] as const) : []),
        ...(!stored || (engaged && engaged.version !== stored.version) ? (['CONTACT'] as const) : []),
      ];
      if (reasons.length) throw new WriteConflict(reasons[0]!, reasons);
      entries.set(key(tenantId, a.contactId, a.id), structuredClone(a));
      if (engaged && stored) {
        if (!stored.lastActivityAt || stored.lastActivityAt < a.occurredAt) stored.lastActivityAt = a.occurredAt;
        if (stored.lastEngagedAt < a.occurredAt) stored.lastEngagedAt = a.occurredAt;
        stored.version++;
      }
      events.push(event);
    },
    get: async (tenantId, contactId, id) => structuredClone(entries.get(key(tenantId, contactId, id))),
    async contactTimeline(_tenantId, contactId, limit) {
      if (!options.contacts.has(contactId)) return undefined;
      return { items: newestFirst([...entries.values()].filter((a) => a.contactId === contactId)).slice(0, limit) };
    },
    async deleteContactTimeline(tenantId, contactId) {
      for (const [k, a] of entries) if (k.startsWith(`${tenantId}|`) && a.contactId === contactId) entries.delete(k);
    },
    companyTimeline: async (_tenantId, companyId, limit) => ({
      items: newestFirst([...entries.values()].filter((a) => a.companyId === companyId)).slice(0, limit),
    }),
  };
  return { repo, entries, events, companies };
};
