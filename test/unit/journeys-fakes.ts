import type { z } from 'zod';
import type { Contact } from '../../functions/contacts/schemas.ts';
import type { Effects, MessageRequest, OpenDeal, SendOutcome, SurveyRequest, TaskRequest } from '../../functions/journeys/effects.ts';
import { journeyEngine } from '../../functions/journeys/engine.ts';
import { memoryStore } from '../../functions/journeys/memory-store.ts';
import type { RunStore, WakeJob } from '../../functions/journeys/run.ts';
import { type JourneyVersion, journeyBody } from '../../functions/journeys/schemas.ts';
import { contactPatch } from '../../functions/journeys/steps.ts';
import { applyPatch } from '../../shared/domain/patch.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { newId } from '../../shared/ports/ids.ts';
import type { ScheduledJob } from '../../shared/ports/scheduler.ts';

export const tenantId = 'acme';
export const day = 86_400_000;
/** A Monday. */
export const start = new Date('2026-03-02T10:00:00.000Z');

export const version = (definition: z.input<typeof journeyBody>, journeyId = newId(), n = 1): JourneyVersion => ({
  journeyId,
  version: n,
  ...journeyBody.parse(definition),
  createdAt: start.toISOString(),
});

export const contact = (fields: Partial<Contact> = {}): Contact => ({
  id: newId(),
  version: 1,
  lifecycleStage: 'customer',
  tags: [],
  attributes: {},
  consent: {},
  consentHistory: [],
  email: 'ada@example.com',
  lastEngagedAt: start.toISOString(),
  createdAt: start.toISOString(),
  updatedAt: start.toISOString(),
  ...fields,
});

/**
 * The engine over the in-memory store and fake effects: a messaging fake that
 * dedupes by key as the real one does, a scheduler driven by advance().
 */
export const harness = (versions: JourneyVersion[], options: { wrapStore?: (store: RunStore) => RunStore } = {}) => {
  let now = new Date(start);
  const contacts = new Map<string, Contact>();
  const sent: MessageRequest[] = [];
  const surveys: SurveyRequest[] = [];
  const tasks: TaskRequest[] = [];
  const keysSeen = new Set<string>();
  const jobs = new Map<string, ScheduledJob>();
  const cancelled: string[] = [];
  let contactReads = 0;
  const deals = new Map<string, OpenDeal[]>();
  let dealReads = 0;
  let outcome: (r: MessageRequest) => SendOutcome = (r) => ({ status: 'sent', messageId: `m-${r.dedupeKey}` });

  const effects: Effects = {
    now: () => now,
    contact: async (_t, id) => {
      contactReads++;
      return structuredClone(contacts.get(id));
    },
    openDeals: async (_t, id) => {
      dealReads++;
      return structuredClone(deals.get(id) ?? []);
    },
    async updateContact(_t, id, patch) {
      contacts.set(id, applyPatch(contacts.get(id)!, patch, now.toISOString()));
    },
    async sendMessage(r) {
      if (keysSeen.has(r.dedupeKey)) return { status: 'skipped', reason: 'duplicate', messageId: `m-${r.dedupeKey}` };
      keysSeen.add(r.dedupeKey);
      const result = outcome(r);
      if (result.status === 'sent') sent.push(r);
      return result;
    },
    async sendSurvey(r) {
      if (!keysSeen.has(r.dedupeKey)) surveys.push(r);
      keysSeen.add(r.dedupeKey);
      return { sendId: `s-${r.dedupeKey}`, outcome: { status: 'sent', messageId: `m-${r.dedupeKey}` } };
    },
    async createTask(r) {
      if (!keysSeen.has(r.dedupeKey)) tasks.push(r);
      keysSeen.add(r.dedupeKey);
      return `t-${r.dedupeKey}`;
    },
    nextBusinessDay: (from) => new Date(from.getTime() + day),
    async schedule(job) {
      if (!jobs.has(job.name)) jobs.set(job.name, job);
    },
    async cancel(name) {
      cancelled.push(name);
      jobs.delete(name);
    },
  };

  const mem = memoryStore();
  for (const v of versions) mem.addVersion(tenantId, v);
  const store = options.wrapStore ? options.wrapStore(mem.store) : mem.store;
  const engine = journeyEngine({ store, effects });

  return {
    engine,
    mem,
    sent,
    surveys,
    tasks,
    jobs,
    cancelled,
    now: () => now,
    /** How often the engine read a contact through its effects. */
    contactReads: () => contactReads,
    /** How often the engine read a contact's open deals. */
    dealReads: () => dealReads,
    /** The contact's open deals as dealsApi.openDealsOf would answer. */
    setDeals: (contactId: string, open: OpenDeal[]) => deals.set(contactId, open),
    setOutcome: (f: typeof outcome) => (outcome = f),
    addContact(c: Contact) {
      contacts.set(c.id, c);
      return c;
    },
    contact: (id: string) => contacts.get(id)!,
    deleteContact: (id: string) => contacts.delete(id),
    patchContact: (id: string, change: Parameters<typeof contactPatch>[1]) =>
      contacts.set(id, applyPatch(contacts.get(id)!, contactPatch(contacts.get(id)!, change), now.toISOString())),
    /** Publishes a domain event about a contact (the same event twice when given the same id). */
    async event(type: string, contactId: string, data: Record<string, unknown> = {}, id = newId()): Promise<DomainEvent> {
      const event = { id, type, version: 1, tenantId, occurredAt: now.toISOString(), data: { contactId, ...data } };
      await engine.handleEvent(event);
      return event;
    },
    /** Moves time on, firing due jobs in time order as the scheduler would. */
    async advance(ms: number) {
      const end = now.getTime() + ms;
      for (;;) {
        const next = [...jobs.values()].filter((j) => j.at.getTime() <= end).sort((a, b) => a.at.getTime() - b.at.getTime())[0];
        if (!next) break;
        jobs.delete(next.name);
        now = new Date(Math.max(now.getTime(), next.at.getTime()));
        await engine.wake(next.payload as WakeJob);
      }
      now = new Date(end);
    },
    runs: () => mem.runs(),
  };
};
