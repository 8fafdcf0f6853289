import type { Actor } from '../../shared/domain/actor.ts';
import { actingAs } from '../../shared/events/trace.ts';
import { companiesApi } from '../companies/api.ts';
import { contactsApi } from '../contacts/api.ts';
import { dealRepository } from './repository.ts';
import type { Deal, NewDeal, Pipeline } from './schemas.ts';
import { dealService } from './service.ts';

export type { Deal, NewDeal, Pipeline, StageChange } from './schemas.ts';

/** What other contexts may ask of deals (the follow-up journey, lead conversion, forecasts). */
export const dealsApi = {
  /** A deal, strongly consistent: a caller acting on a deal event sees the write that produced it. */
  get: ({ tenantId, dealId }: { tenantId: string; dealId: string }): Promise<Deal | undefined> =>
    dealRepository.getDeal(tenantId, dealId, true),

  /** A pipeline with its ordered stages (one GetItem). */
  pipeline: ({ tenantId, pipelineId }: { tenantId: string; pipelineId: string }): Promise<Pipeline | undefined> =>
    dealRepository.getPipeline(tenantId, pipelineId),

  /** Every pipeline of the tenant: one Query (a tenant has a handful). */
  async pipelines({ tenantId }: { tenantId: string }): Promise<Pipeline[]> {
    const all: Pipeline[] = [];
    let cursor: string | undefined;
    do {
      const page = await dealRepository.listPipelines(tenantId, { limit: 100, cursor });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  },

  /**
   * Creates a deal as `actor` (lead conversion): the rules of POST /deals, in
   * the default pipeline unless the input names one. With `id` (a ULID the
   * caller derives from what the deal is for), it is created once: a retry
   * answers the deal with that id.
   */
  async create({ tenantId, input, actor, id }: { tenantId: string; input: NewDeal; actor: Actor; id?: string }): Promise<Deal> {
    const service = dealService(dealRepository, {
      contactExists: async (t, contactId) => !!(await contactsApi.get({ tenantId: t, contactId })),
      companyExists: async (t, companyId) => !!(await companiesApi.get({ tenantId: t, companyId })),
    });
    return actingAs(actor, () => service.asActor.create(tenantId, input, actor, id));
  },

  /** The open deals a contact takes part in: one Query of its deal links and one BatchGetItem. */
  async openDealsOf({ tenantId, contactId }: { tenantId: string; contactId: string }): Promise<Deal[]> {
    const ids = await dealRepository.dealIdsOfContact(tenantId, contactId);
    return (await dealRepository.getDeals(tenantId, ids)).filter((d) => d.status === 'open');
  },

  /**
   * Moves an open deal to its pipeline's first won stage, with history and
   * events, as `actor` (an accepted quote). A closed deal is left as it is; a won
   * stage whose required fields the deal lacks refuses with the deals service's 422.
   * With `once` (`quote:<id>`), it wins once for that cause: a redelivery, even
   * after the deal was reopened, leaves it as it is.
   */
  async win({
    tenantId,
    dealId,
    actor,
    once,
  }: {
    tenantId: string;
    dealId: string;
    actor: Actor;
    once?: string;
  }): Promise<Deal | undefined> {
    const deal = await dealRepository.getDeal(tenantId, dealId, true);
    if (deal?.status !== 'open') return deal;
    if (once && (await dealRepository.claimed(tenantId, dealId, once))) return deal;
    const won = (await dealRepository.getPipeline(tenantId, deal.pipelineId, true))?.stages.find((s) => s.kind === 'won');
    if (!won) return deal;
    // The change links no contact or company, so no reference is looked up.
    const service = dealService(dealRepository, { contactExists: async () => true, companyExists: async () => true });
    return actingAs(actor, () => service.asActor.moveToStage(tenantId, dealId, won.id, actor, once));
  },
};
export type DealsApi = typeof dealsApi;
