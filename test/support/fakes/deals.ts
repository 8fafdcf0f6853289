import type { DealConflict, DealRepository, Page, PageRequest } from '../../../functions/deals/repository.ts';
import type { Deal, Pipeline, StageChange } from '../../../functions/deals/schemas.ts';
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
 * The deals repository in memory, with the conditions of the real one: a
 * version per deal and pipeline, the stage counters, contact and company
 * existence. Every successful write appends its events to `events`.
 */
export const fakeDealRepository = () => {
  const pipelines = new Map<string, Pipeline>();
  const deals = new Map<string, Deal>();
  const history = new Map<string, StageChange[]>();
  const counts = new Map<string, number>();
  const contacts = new Set<string>();
  const companies = new Set<string>();
  const claims = new Set<string>();
  const events: DomainEvent[] = [];
  const k = (...parts: string[]) => parts.join('|');
  const fail = (...reasons: DealConflict[]) => {
    throw new WriteConflict<DealConflict>(reasons[0]!, reasons);
  };
  const count = (tenantId: string, pipelineId: string, stageId: string, by: number) =>
    counts.set(k(tenantId, pipelineId, stageId), (counts.get(k(tenantId, pipelineId, stageId)) ?? 0) + by);
  const tenantDeals = (tenantId: string) =>
    [...deals.entries()]
      .filter(([key]) => key.startsWith(`${tenantId}|`))
      .map(([, d]) => d)
      .sort((a, b) => a.id.localeCompare(b.id));

  const repo: DealRepository = {
    getPipeline: async (tenantId, id) => copy(pipelines.get(k(tenantId, id))),
    listPipelines: async (tenantId, page) =>
      pageOf(
        [...pipelines.entries()]
          .filter(([key]) => key.startsWith(`${tenantId}|`))
          .map(([, p]) => p)
          .sort((a, b) => a.id.localeCompare(b.id)),
        page,
      ),
    async createPipeline(tenantId, pipeline, written) {
      if (pipelines.has(k(tenantId, pipeline.id))) fail('EXISTS');
      pipelines.set(k(tenantId, pipeline.id), copy(pipeline));
      events.push(...written);
    },
    async updatePipeline(tenantId, before, after, mustBeEmpty, written) {
      const failed: DealConflict[] = [];
      if (pipelines.get(k(tenantId, before.id))?.version !== before.version) failed.push('VERSION');
      if (mustBeEmpty.some((s) => (counts.get(k(tenantId, before.id, s)) ?? 0) > 0)) failed.push('IN_USE');
      if (failed.length) fail(...failed);
      pipelines.set(k(tenantId, after.id), copy(after));
      events.push(...written);
    },
    stageCount: async (tenantId, pipelineId, stageId) => counts.get(k(tenantId, pipelineId, stageId)) ?? 0,

    getDeal: async (tenantId, id) => copy(deals.get(k(tenantId, id))),
    getDeals: async (tenantId, ids) => ids.flatMap((id) => (deals.has(k(tenantId, id)) ? [copy(deals.get(k(tenantId, id))!)] : [])),
    async saveDeal(tenantId, { before, after, pipeline, stageChange, linkedContacts, linkedCompany, claim }, written) {
      const failed: DealConflict[] = [];
      const stored = deals.get(k(tenantId, after.id));
      if (before ? stored?.version !== before.version : stored) failed.push(before ? 'VERSION' : 'EXISTS');
      if (pipelines.get(k(tenantId, pipeline.id))?.version !== pipeline.version) failed.push('PIPELINE');
      if (linkedContacts.some((c) => !contacts.has(k(tenantId, c)))) failed.push('CONTACT');
      if (linkedCompany && !companies.has(k(tenantId, linkedCompany))) failed.push('COMPANY');
      if (claim && claims.has(k(tenantId, after.id, claim))) failed.push('DEDUPE');
      if (failed.length) fail(...failed);
      if (claim) claims.add(k(tenantId, after.id, claim));
      if (!before || before.pipelineId !== after.pipelineId || before.stageId !== after.stageId) {
        if (before) count(tenantId, before.pipelineId, before.stageId, -1);
        count(tenantId, after.pipelineId, after.stageId, 1);
      }
      deals.set(k(tenantId, after.id), copy(after));
      if (stageChange) history.set(k(tenantId, after.id), [...(history.get(k(tenantId, after.id)) ?? []), copy(stageChange)]);
      events.push(...written);
    },
    async deleteDeal(tenantId, deal, written) {
      if (deals.get(k(tenantId, deal.id))?.version !== deal.version) fail('VERSION');
      deals.delete(k(tenantId, deal.id));
      history.delete(k(tenantId, deal.id));
      count(tenantId, deal.pipelineId, deal.stageId, -1);
      events.push(...written);
    },
    stageHistory: async (tenantId, dealId, page) => pageOf(history.get(k(tenantId, dealId)) ?? [], page),
    listByStage: async (tenantId, pipelineId, stageId, page) =>
      pageOf(
        tenantDeals(tenantId).filter((d) => d.pipelineId === pipelineId && d.stageId === stageId),
        page,
      ),
    listByOwner: async (tenantId, ownerId, page) =>
      pageOf(
        tenantDeals(tenantId).filter((d) => d.ownerId === ownerId),
        page,
      ),
    dealIdsOfContact: async (tenantId, contactId) =>
      tenantDeals(tenantId)
        .filter((d) => d.contactIds.includes(contactId))
        .map((d) => d.id),
    claimed: async (tenantId, dealId, claim) => claims.has(k(tenantId, dealId, claim)),
  };

  return {
    repo,
    events,
    /** Contacts and companies the fake's conditions (and references) treat as existing. */
    addContact: (tenantId: string, id: string) => contacts.add(k(tenantId, id)),
    addCompany: (tenantId: string, id: string) => companies.add(k(tenantId, id)),
    references: {
      contactExists: async (tenantId: string, id: string) => contacts.has(k(tenantId, id)),
      companyExists: async (tenantId: string, id: string) => companies.has(k(tenantId, id)),
    },
    count: (tenantId: string, pipelineId: string, stageId: string) => counts.get(k(tenantId, pipelineId, stageId)) ?? 0,
  };
};
export type FakeDeals = ReturnType<typeof fakeDealRepository>;
