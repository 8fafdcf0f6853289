import { isWriteConflict } from '../../shared/db/transact.ts';
import { type Actor, actorId } from '../../shared/domain/actor.ts';
import { applyPatch, changedFields } from '../../shared/domain/patch.ts';
import { conflict, notFound, preconditionFailed, unprocessable } from '../../shared/errors.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { retry } from '../../shared/retry.ts';
import type { DealConflict, DealRepository } from './repository.ts';
import type { dealRoutes } from './routes.ts';
import { defaultPipeline, defaultPipelineId, firstOpenStage, missingFieldErrors, missingFields, msBetween, stageOf } from './rules.ts';
import type { Deal, DealPatch, NewDeal, Pipeline, Stage, StageChange } from './schemas.ts';

/** Whether the contacts and the company a deal names exist (contactsApi / companiesApi in the handler). */
export interface DealReferences {
  contactExists(tenantId: string, contactId: string): Promise<boolean>;
  companyExists(tenantId: string, companyId: string): Promise<boolean>;
}

type StageInput = Omit<Stage, 'id'> & { id?: string };

const writeAttempts = 8;
/** Rounds of draining a removed stage: the board index is eventually consistent, the counter is not. */
const drainRounds = 5;

const dealData = (d: Deal) => ({
  dealId: d.id,
  name: d.name,
  pipelineId: d.pipelineId,
  stageId: d.stageId,
  status: d.status,
  ownerId: d.ownerId,
  contactIds: d.contactIds,
  companyId: d.companyId,
  amount: d.amount,
  closeDate: d.closeDate,
});

const pipelineData = (p: Pipeline) => ({ pipelineId: p.id, name: p.name, stageIds: p.stages.map((s) => s.id) });

/** Events of a deal change: deal.updated (or created), and on a stage change deal.stage_changed plus deal.won / deal.lost. */
const dealEvents = (tenantId: string, before: Deal | undefined, after: Deal, change: StageChange | undefined): DomainEvent[] => {
  const events = before
    ? [domainEvent(tenantId, 'deal.updated', { ...dealData(after), changed: changedFields(before, after) })]
    : [domainEvent(tenantId, 'deal.created', dealData(after))];
  if (change && before)
    events.push(
      domainEvent(tenantId, 'deal.stage_changed', {
        dealId: after.id,
        contactId: after.contactIds[0]!,
        contactIds: after.contactIds,
        pipeline: after.pipelineId,
        fromStage: change.fromStage,
        toStage: after.stageId,
        amount: after.amount,
        ownerId: after.ownerId,
        stageKind: after.status,
        msInPreviousStage: change.msInPreviousStage,
      }),
    );
  if (change && after.status === 'won') events.push(domainEvent(tenantId, 'deal.won', { ...dealData(after), closedAt: after.closedAt! }));
  if (change && after.status === 'lost')
    events.push(domainEvent(tenantId, 'deal.lost', { ...dealData(after), closedAt: after.closedAt!, lostReason: after.lostReason! }));
  return events;
};

/** The deal entering `stage` of `pipeline` at `now`: status, stage time, closing time and lost reason follow the stage. */
const enter = (deal: Deal, pipeline: Pipeline, stage: Stage, now: string): Deal => {
  const entered: Deal = { ...deal, pipelineId: pipeline.id, stageId: stage.id, status: stage.kind, stageEnteredAt: now };
  if (stage.kind === 'open') delete entered.closedAt;
  else entered.closedAt = now;
  return entered;
};

const stageChange = (before: Deal | undefined, after: Deal, by: string, now: string): StageChange => ({
  id: newId(),
  dealId: after.id,
  pipelineId: after.pipelineId,
  ...(before && { fromStage: before.stageId, msInPreviousStage: msBetween(before.stageEnteredAt, now) }),
  ...(before && before.pipelineId !== after.pipelineId && { fromPipelineId: before.pipelineId }),
  toStage: after.stageId,
  at: now,
  by,
});

const retriable = (ifMatch: number | undefined) => (error: unknown) =>
  isWriteConflict<DealConflict>(error, 'PIPELINE') || (ifMatch === undefined && isWriteConflict<DealConflict>(error, 'VERSION'));

export const dealService = (repo: DealRepository, refs: DealReferences) => {
  /** The tenant's default pipeline, created on first use; concurrent first uses create it once (a conditional put). */
  const defaultOf = async (tenantId: string): Promise<Pipeline> => {
    const id = defaultPipelineId(tenantId);
    const found = await repo.getPipeline(tenantId, id, true);
    if (found) return found;
    const made = defaultPipeline(tenantId, clock().now().toISOString());
    try {
      await repo.createPipeline(tenantId, made, [domainEvent(tenantId, 'pipeline.created', pipelineData(made))]);
      return made;
    } catch (error) {
      if (!isWriteConflict<DealConflict>(error, 'EXISTS')) throw error;
      return (await repo.getPipeline(tenantId, id, true))!;
    }
  };

  const pipelineById = async (tenantId: string, id: string): Promise<Pipeline | undefined> =>
    id === defaultPipelineId(tenantId) ? defaultOf(tenantId) : repo.getPipeline(tenantId, id, true);

  const withIds = (stages: StageInput[]): Stage[] => stages.map((s) => ({ ...s, id: s.id ?? newId() }));

  const refuse = (message: string, field: string, why: string) => unprocessable(message, { errors: { [field]: [why] } });

  /** Every newly named contact and the company must exist: 422 naming the field otherwise. */
  const checkReferences = async (tenantId: string, contactIds: string[], companyId: string | undefined) => {
    const missing = [];
    for (const id of contactIds) if (!(await refs.contactExists(tenantId, id))) missing.push(id);
    if (missing.length) throw refuse('a contact of the deal does not exist', 'body.contactIds', `no contact ${missing.join(', ')}`);
    if (companyId && !(await refs.companyExists(tenantId, companyId)))
      throw refuse('the company of the deal does not exist', 'body.companyId', `no company ${companyId}`);
  };

  /** The stage rules a change must pass: required fields of the stage entered (or cleared in it), a lost reason for a lost stage. */
  const checkStageRules = (after: Deal, stage: Stage, entering: boolean, given: Record<string, unknown>) => {
    const touched = (field: string) =>
      entering ||
      (field.startsWith('attributes.')
        ? field.slice('attributes.'.length) in ((given.attributes as object | undefined) ?? {})
        : field in given);
    const missing = missingFields(after, stage, touched);
    const errors = missingFieldErrors(missing, stage);
    if (stage.kind === 'lost' && !after.lostReason) errors['body.lostReason'] = [`required to enter the lost stage ${stage.name}`];
    if (stage.kind !== 'lost' && given.lostReason) errors['body.lostReason'] = ['only a deal in a lost stage has a lost reason'];
    if (Object.keys(errors).length)
      throw unprocessable(`the deal lacks what the stage ${stage.name} requires: ${Object.keys(errors).join(', ')}`, {
        errors,
        missing: [...missing, ...(errors['body.lostReason'] && stage.kind === 'lost' ? ['lostReason'] : [])],
      });
  };

  /** Writes a deal change; a conflict on a contact or the company is a 422 (it was deleted meanwhile). */
  const save = async (tenantId: string, write: Parameters<DealRepository['saveDeal']>[1], events: DomainEvent[]) => {
    try {
      await repo.saveDeal(tenantId, write, events);
    } catch (error) {
      if (isWriteConflict<DealConflict>(error, 'CONTACT'))
        throw refuse('a contact of the deal does not exist', 'body.contactIds', 'deleted');
      if (isWriteConflict<DealConflict>(error, 'COMPANY'))
        throw refuse('the company of the deal does not exist', 'body.companyId', 'deleted');
      throw error;
    }
  };

  /**
   * Creates a deal. A caller-chosen id (one derived from what the deal is made
   * for, a lead) makes the create happen once: a retry answers the deal that id
   * already names, whoever's write got there first.
   */
  const createDeal = async (tenantId: string, body: NewDeal, by: string, chosenId?: string): Promise<Deal> => {
    const made = chosenId && (await repo.getDeal(tenantId, chosenId, true));
    if (made) return made;
    await checkReferences(tenantId, body.contactIds, body.companyId);
    return retry(
      async () => {
        const pipeline = body.pipelineId ? await pipelineById(tenantId, body.pipelineId) : await defaultOf(tenantId);
        if (!pipeline) throw refuse('the pipeline does not exist', 'body.pipelineId', `no pipeline ${body.pipelineId}`);
        const stage = body.stageId ? stageOf(pipeline, body.stageId) : firstOpenStage(pipeline);
        if (!stage) throw refuse('the stage is not in the pipeline', 'body.stageId', `no stage ${body.stageId} in ${pipeline.name}`);
        const now = clock().now().toISOString();
        const draft: Deal = {
          id: chosenId ?? newId(),
          version: 1,
          name: body.name,
          pipelineId: pipeline.id,
          stageId: stage.id,
          status: stage.kind,
          stageEnteredAt: now,
          amount: body.amount,
          closeDate: body.closeDate,
          ownerId: body.ownerId ?? by,
          contactIds: body.contactIds,
          companyId: body.companyId,
          lostReason: body.lostReason,
          attributes: Object.fromEntries(Object.entries(body.attributes ?? {}).filter(([, v]) => v !== null)),
          createdBy: by,
          createdAt: now,
          updatedAt: now,
        };
        const deal = enter(draft, pipeline, stage, now);
        checkStageRules(deal, stage, true, body);
        const change = stageChange(undefined, deal, by, now);
        try {
          await save(
            tenantId,
            { after: deal, pipeline, stageChange: change, linkedContacts: deal.contactIds, linkedCompany: deal.companyId },
            dealEvents(tenantId, undefined, deal, change),
          );
        } catch (error) {
          const first = chosenId && isWriteConflict<DealConflict>(error, 'EXISTS') && (await repo.getDeal(tenantId, chosenId, true));
          if (first) return first;
          throw error;
        }
        return deal;
      },
      { attempts: writeAttempts, retryOn: retriable(undefined) },
    );
  };

  /** Reads the deal, checks If-Match, applies `change`; a lost race is retried on fresh data unless If-Match pinned the version. */
  const changeDeal = <T>(tenantId: string, id: string, ifMatch: number | undefined, change: (before: Deal) => Promise<T>) =>
    retry(
      async () => {
        const before = await repo.getDeal(tenantId, id, true);
        if (!before) throw notFound('deal');
        if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
        return change(before);
      },
      { attempts: writeAttempts, retryOn: retriable(ifMatch) },
    ).catch((error) => {
      if (isWriteConflict<DealConflict>(error, 'VERSION') && ifMatch !== undefined) throw preconditionFailed();
      throw error;
    });

  const patchDeal = async (tenantId: string, before: Deal, patch: DealPatch, by: string, claim?: string): Promise<Deal> => {
    const now = clock().now().toISOString();
    const pipelineId = patch.pipelineId ?? before.pipelineId;
    const pipeline = await pipelineById(tenantId, pipelineId);
    if (!pipeline) throw refuse('the pipeline does not exist', 'body.pipelineId', `no pipeline ${pipelineId}`);
    const stageId = patch.stageId ?? before.stageId;
    const entering = pipelineId !== before.pipelineId || stageId !== before.stageId;
    const stage = stageOf(pipeline, stageId);
    let after = applyPatch(before, patch, now, ['pipelineId', 'stageId']);
    if (entering) {
      if (!stage) throw refuse('the stage is not in the pipeline', 'body.stageId', `no stage ${stageId} in ${pipeline.name}`);
      after = enter(after, pipeline, stage, now);
      if (stage.kind !== 'lost' && patch.lostReason === undefined) delete after.lostReason;
    }
    // A deal left in a stage its pipeline no longer has (its removal is still moving deals) takes changes but no rule of that stage.
    if (stage) checkStageRules(after, stage, entering, patch);
    if (!changedFields(before, after).length) return before;
    const addedContacts = after.contactIds.filter((c) => !before.contactIds.includes(c));
    const newCompany = after.companyId !== before.companyId ? after.companyId : undefined;
    await checkReferences(tenantId, addedContacts, newCompany);
    const change = entering ? stageChange(before, after, by, now) : undefined;
    await save(
      tenantId,
      { before, after, pipeline, stageChange: change, linkedContacts: addedContacts, linkedCompany: newCompany, claim },
      dealEvents(tenantId, before, after, change),
    );
    return after;
  };

  /** Moves the deals of a stage a pipeline no longer has to `to`, with history, until its counter says none is left. */
  const drainStage = async (tenantId: string, pipelineId: string, from: string, to: string, by: string) => {
    for (let round = 0; round < drainRounds && (await repo.stageCount(tenantId, pipelineId, from)) > 0; round++) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 100 * round));
      let cursor: string | undefined;
      do {
        const page = await repo.listByStage(tenantId, pipelineId, from, { limit: 100, cursor });
        for (const listed of page.items)
          await changeDeal(tenantId, listed.id, undefined, async (before) => {
            if (before.pipelineId !== pipelineId || before.stageId !== from) return;
            const pipeline = (await repo.getPipeline(tenantId, pipelineId, true))!;
            const stage = stageOf(pipeline, to);
            if (!stage) return;
            const now = clock().now().toISOString();
            const after = enter({ ...before, version: before.version + 1, updatedAt: now }, pipeline, stage, now);
            delete after.lostReason;
            const change = stageChange(before, after, by, now);
            await save(
              tenantId,
              { before, after, pipeline, stageChange: change, linkedContacts: [] },
              dealEvents(tenantId, before, after, change),
            );
          });
        cursor = page.nextCursor;
      } while (cursor);
    }
  };

  const updatePipeline = async (
    tenantId: string,
    id: string,
    body: { name: string; stages: StageInput[]; moveDealsTo?: Record<string, string> },
    ifMatch: number | undefined,
    by: string,
  ): Promise<Pipeline> => {
    const moves = body.moveDealsTo ?? {};
    const after = await retry(
      async () => {
        const before = await pipelineById(tenantId, id);
        if (!before) throw notFound('pipeline');
        if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
        const stages = withIds(body.stages);
        const kept = new Set(stages.map((s) => s.id));
        const removed = before.stages.filter((s) => !kept.has(s.id)).map((s) => s.id);
        const errors: Record<string, string[]> = {};
        for (const [from, to] of Object.entries(moves)) {
          if (kept.has(from)) errors[`body.moveDealsTo.${from}`] = ['names a stage the pipeline keeps'];
          else if (stages.find((s) => s.id === to)?.kind !== 'open')
            errors[`body.moveDealsTo.${from}`] = [`${to} is not an open stage of the pipeline`];
        }
        if (Object.keys(errors).length)
          throw unprocessable('moveDealsTo must map removed stages to open stages of the pipeline', { errors });
        // A kept stage that changes kind (open, won, lost) would leave its deals with the wrong status: only an empty one may.
        const rekinded = stages.filter((s) => before.stages.some((b) => b.id === s.id && b.kind !== s.kind)).map((s) => s.id);
        const mustBeEmpty = [...removed.filter((s) => !(s in moves)), ...rekinded];
        const inUse = [];
        for (const stageId of mustBeEmpty) {
          const deals = await repo.stageCount(tenantId, id, stageId);
          if (deals > 0) inUse.push({ stageId, deals });
        }
        if (inUse.length) throw stagesInUse(inUse);
        const now = clock().now().toISOString();
        const next: Pipeline = { ...before, name: body.name, stages, version: before.version + 1, updatedAt: now };
        try {
          await repo.updatePipeline(tenantId, before, next, mustBeEmpty, [
            domainEvent(tenantId, 'pipeline.updated', { ...pipelineData(next), removedStages: removed }),
          ]);
        } catch (error) {
          if (isWriteConflict<DealConflict>(error, 'IN_USE')) throw stagesInUse(mustBeEmpty.map((stageId) => ({ stageId })));
          throw error;
        }
        return next;
      },
      { attempts: writeAttempts, retryOn: retriable(ifMatch) },
    ).catch((error) => {
      if (isWriteConflict<DealConflict>(error, 'VERSION') && ifMatch !== undefined) throw preconditionFailed();
      throw error;
    });
    // A retried PUT finishes a move an interrupted one began: every mapped stage the pipeline lacks is drained.
    for (const [from, to] of Object.entries(moves)) await drainStage(tenantId, id, from, to, by);
    return after;
  };

  const stagesInUse = (stages: { stageId: string; deals?: number }[]) =>
    conflict(
      `deals are in ${stages.map((s) => s.stageId).join(', ')}: a stage that holds deals changes kind or goes only once moveDealsTo names where they go`,
      { stagesInUse: stages },
    );

  const service: ServiceFor<typeof dealRoutes, RequestContext> = {
    async createPipeline({ body }, ctx) {
      await defaultOf(ctx.tenantId);
      const now = clock().now().toISOString();
      const pipeline: Pipeline = {
        id: newId(),
        version: 1,
        name: body.name,
        isDefault: false,
        stages: withIds(body.stages),
        createdAt: now,
        updatedAt: now,
      };
      await repo.createPipeline(ctx.tenantId, pipeline, [domainEvent(ctx.tenantId, 'pipeline.created', pipelineData(pipeline))]);
      return pipeline;
    },

    async listPipelines({ query }, ctx) {
      const page = await repo.listPipelines(ctx.tenantId, query);
      // Creating a pipeline makes the default one first: an empty first page means the tenant has not used pipelines yet.
      if (query.cursor || page.items.length) return page;
      return { items: [await defaultOf(ctx.tenantId)] };
    },

    async getPipeline({ params }, ctx) {
      const pipeline = await pipelineById(ctx.tenantId, params.id);
      if (!pipeline) throw notFound('pipeline');
      return pipeline;
    },

    updatePipeline: ({ params, body, ifMatch }, ctx) => updatePipeline(ctx.tenantId, params.id, body, ifMatch, ctx.userId),

    createDeal: ({ body }, ctx) => createDeal(ctx.tenantId, body, ctx.userId),

    async getDeal({ params }, ctx) {
      const deal = await repo.getDeal(ctx.tenantId, params.id);
      if (!deal) throw notFound('deal');
      return deal;
    },

    updateDeal: ({ params, body, ifMatch }, ctx) =>
      changeDeal(ctx.tenantId, params.id, ifMatch, (before) => patchDeal(ctx.tenantId, before, body, ctx.userId)),

    deleteDeal: ({ params, ifMatch }, ctx) =>
      changeDeal(ctx.tenantId, params.id, ifMatch, async (deal) => {
        await repo.deleteDeal(ctx.tenantId, deal, [
          domainEvent(ctx.tenantId, 'deal.deleted', { dealId: deal.id, pipelineId: deal.pipelineId, contactIds: deal.contactIds }),
        ]);
        return undefined;
      }),

    listDeals: ({ query }, ctx) =>
      query.pipelineId && query.stageId
        ? repo.listByStage(ctx.tenantId, query.pipelineId, query.stageId, query)
        : repo.listByOwner(ctx.tenantId, query.ownerId ?? ctx.userId, query),

    async dealStageHistory({ params, query }, ctx) {
      const page = await repo.stageHistory(ctx.tenantId, params.id, query);
      // Every deal has the entry of its first stage: an empty first page means there is no such deal.
      if (!query.cursor && !page.items.length) throw notFound('deal');
      return page;
    },
  };
  return {
    ...service,
    /** For other contexts (dealsApi): the rules of POST /deals and of a stage move by PATCH, as `actor`. */
    asActor: {
      create: (tenantId: string, body: NewDeal, actor: Actor, id?: string) => createDeal(tenantId, body, actorId(actor), id),
      /** With `claim`, the move happens once for that cause: a repeat (or a lost race with it) answers the deal as it is. */
      moveToStage: (tenantId: string, id: string, stageId: string, actor: Actor, claim?: string) =>
        changeDeal(tenantId, id, undefined, (before) => patchDeal(tenantId, before, { stageId }, actorId(actor), claim)).catch(
          async (error) => {
            if (claim && isWriteConflict<DealConflict>(error, 'DEDUPE')) return (await repo.getDeal(tenantId, id, true))!;
            throw error;
          },
        ),
    },
  };
};
