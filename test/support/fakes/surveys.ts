import type { SurveyConflict, SurveyRepository } from '../../../functions/surveys/repository.ts';
import type { SurveySend } from '../../../functions/surveys/schemas.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';

const conflict = (reason: SurveyConflict) => new WriteConflict(reason, [reason]);
/** Lets other calls run between a read and a write, as a round trip to DynamoDB does. */
const roundTrip = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * SurveyRepository in memory, with the DynamoDB one's conditions: a taken
 * dedupe key fails with `DEDUPE`, a second (or late) answer with `ANSWERED`.
 * Each write checks and stores in one step, as a transaction does.
 */
export const memorySurveys = () => {
  const sends = new Map<string, SurveySend>();
  const guards = new Map<string, string>();
  const events: DomainEvent[] = [];
  const key = (tenantId: string, id: string) => `${tenantId}|${id}`;

  const repo: SurveyRepository = {
    async get(tenantId, id) {
      await roundTrip();
      return structuredClone(sends.get(key(tenantId, id)));
    },
    async byDedupeKey(tenantId, dedupeKey) {
      await roundTrip();
      const id = guards.get(key(tenantId, dedupeKey));
      return id ? structuredClone(sends.get(key(tenantId, id))) : undefined;
    },
    async create(tenantId, send) {
      await roundTrip();
      if (sends.has(key(tenantId, send.id))) throw conflict('SEND');
      if (guards.has(key(tenantId, send.dedupeKey))) throw conflict('DEDUPE');
      sends.set(key(tenantId, send.id), structuredClone(send));
      guards.set(key(tenantId, send.dedupeKey), send.id);
    },
    async recordOutcome(tenantId, id, outcome, at) {
      await roundTrip();
      const send = sends.get(key(tenantId, id));
      if (!send) throw new Error('no such send');
      Object.assign(send, { outcome, outcomeAt: at, version: send.version + 1 });
    },
    async respond(tenantId, id, response, event) {
      await roundTrip();
      const send = sends.get(key(tenantId, id));
      if (!send || send.response) throw conflict('ANSWERED');
      Object.assign(send, { response: structuredClone(response), version: send.version + 1 });
      events.push(event);
    },
    async linkActivity(tenantId, id, activityId) {
      await roundTrip();
      const send = sends.get(key(tenantId, id));
      if (!send?.response || send.response.activityId) return false;
      send.response.activityId = activityId;
      send.version += 1;
      return true;
    },
    async listByContact(tenantId, contactId, limit, cursor) {
      await roundTrip();
      const all = [...sends.entries()]
        .filter(([k, s]) => k.startsWith(`${tenantId}|`) && s.contactId === contactId)
        .map(([, s]) => s)
        .sort((a, b) => b.id.localeCompare(a.id));
      const start = cursor ? Number(cursor) : 0;
      const items = all.slice(start, start + limit).map((s) => structuredClone(s));
      return { items, nextCursor: start + limit < all.length ? String(start + limit) : undefined };
    },
    async deleteContactSurveys(tenantId, contactId) {
      await roundTrip();
      for (const [k, s] of sends)
        if (k.startsWith(`${tenantId}|`) && s.contactId === contactId) {
          sends.delete(k);
          guards.delete(key(tenantId, s.dedupeKey));
        }
    },
  };
  return { repo, sends, guards, events };
};
