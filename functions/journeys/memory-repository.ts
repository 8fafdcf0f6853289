import { WriteConflict } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import type { JourneyConflict, JourneyRepository, ScheduledJourney } from './repository.ts';
import { versionOf } from './repository.ts';
import type { Counters, Journey, JourneyVersion } from './schemas.ts';

const conflict = (reason: JourneyConflict) => new WriteConflict<JourneyConflict>(reason, [reason]);

/**
 * A JourneyRepository in memory, with the table's conditions (a head replaced
 * only at the version and status read, one install per built-in template):
 * unit tests drive the journey service on it. `events` is its outbox: what a
 * write stored in the same step as the change.
 */
export const memoryJourneyRepository = () => {
  const heads = new Map<string, Journey>();
  const versions = new Map<string, JourneyVersion>();
  const templates = new Map<string, string>();
  const events: DomainEvent[] = [];
  const copy = structuredClone;
  const key = (tenantId: string, id: string) => `${tenantId}|${id}`;

  const repo: JourneyRepository = {
    async get(tenantId, id) {
      const found = heads.get(key(tenantId, id));
      return found && copy(found);
    },
    async version(tenantId, id, version) {
      const found = versions.get(`${key(tenantId, id)}|${version}`);
      return found && copy(found);
    },
    async list(tenantId, limit, cursor) {
      const all = [...heads.entries()]
        .filter(([k]) => k.startsWith(`${tenantId}|`))
        .map(([, j]) => j)
        .sort((a, b) => a.id.localeCompare(b.id));
      const from = cursor ? all.findIndex((j) => j.id > cursor) : 0;
      const items = from < 0 ? [] : all.slice(from, from + limit);
      const last = items.at(-1);
      return { items: copy(items), ...(last && from + limit < all.length ? { nextCursor: last.id } : {}) };
    },
    async create(tenantId, j, event) {
      if (heads.has(key(tenantId, j.id))) throw conflict('VERSION');
      if (j.template && templates.has(key(tenantId, j.template))) throw conflict('TEMPLATE');
      heads.set(key(tenantId, j.id), copy(j));
      versions.set(`${key(tenantId, j.id)}|${j.version}`, versionOf(j));
      if (j.template) templates.set(key(tenantId, j.template), j.id);
      events.push(copy(event));
    },
    async save(tenantId, before, after, event) {
      const stored = heads.get(key(tenantId, before.id));
      if (stored?.version !== before.version || stored.status !== before.status) throw conflict('VERSION');
      heads.set(key(tenantId, after.id), copy(after));
      versions.set(`${key(tenantId, after.id)}|${after.version}`, versionOf(after));
      events.push(copy(event));
    },
    async delete(tenantId, j, event) {
      const stored = heads.get(key(tenantId, j.id));
      if (stored?.version !== j.version || stored.status !== 'draft') throw conflict('VERSION');
      heads.delete(key(tenantId, j.id));
      for (const k of [...versions.keys()]) if (k.startsWith(`${key(tenantId, j.id)}|`)) versions.delete(k);
      if (j.template) templates.delete(key(tenantId, j.template));
      events.push(copy(event));
    },
    async templateJourneyId(tenantId, name) {
      return templates.get(key(tenantId, name));
    },
    async stats() {
      return new Map<string, Counters>();
    },
    async *scheduled(): AsyncGenerator<ScheduledJourney[]> {
      yield [];
    },
    async markSwept() {},
  };

  return { repo, events };
};
