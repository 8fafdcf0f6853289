import * as z from 'zod';
import { attributes, id, listQuery, text } from '../../shared/domain/fields.ts';
import { money } from '../../shared/events/catalog.ts';

export const forecastCategories = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const;
export const stageKinds = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof stageKinds)[number];

/** Deal fields a stage may require before a deal enters it; `attributes.<name>` names a custom attribute. */
export const dealFieldNames = ['amount', 'closeDate', 'ownerId', 'contactIds', 'companyId'] as const;
const requiredField = z.union([
  z.enum(dealFieldNames),
  z
    .string()
    .max(80)
    .regex(/^attributes\.[\p{L}\p{N}_.-]{1,64}$/u, 'a deal field (amount, closeDate, ownerId, contactIds, companyId) or attributes.<name>'),
]);

/** Stage ids are chosen by the client or generated; they appear in events (`toStage`), so at most 64 characters. */
export const stageId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64');

const stageInput = z.strictObject({
  id: stageId.optional(),
  name: text(100),
  probability: z.number().int().min(0).max(100),
  forecastCategory: z.enum(forecastCategories),
  kind: z.enum(stageKinds),
  requiredFields: z
    .array(requiredField)
    .max(20)
    .default([])
    .transform((f) => [...new Set(f)]),
});

const stages = z
  .array(stageInput)
  .min(1)
  .max(30)
  .refine((s) => s.some((stage) => stage.kind === 'open'), 'a pipeline needs at least one open stage')
  .refine((s) => {
    const ids = s.flatMap((stage) => (stage.id ? [stage.id] : []));
    return new Set(ids).size === ids.length;
  }, 'stage ids must be unique');

export const createPipelineBody = z.strictObject({ name: text(100), stages });

/** PUT replaces name and stages; a stage left out that deals are in needs moveDealsTo[itsId] naming an open stage of the new list. */
export const updatePipelineBody = z.strictObject({
  name: text(100),
  stages,
  moveDealsTo: z.record(stageId, stageId).optional(),
});

export const pipelineIdParams = z.strictObject({ id });

const stageResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    probability: z.number().int(),
    forecastCategory: z.enum(forecastCategories),
    kind: z.enum(stageKinds),
    requiredFields: z.array(z.string()),
  })
  .meta({ id: 'PipelineStage' });
export type Stage = z.infer<typeof stageResponse>;

export const pipelineResponse = z
  .object({
    id,
    version: z.number().int(),
    name: z.string(),
    /** The tenant's default pipeline, created on first use: where a deal goes when it names none. */
    isDefault: z.boolean(),
    stages: z.array(stageResponse),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Pipeline' });
export type Pipeline = z.infer<typeof pipelineResponse>;

export const listPipelinesQuery = listQuery;

const closeDate = z.iso.date({ message: 'a date such as 2026-12-31' });
const contactIds = z
  .array(id)
  .min(1)
  .max(10)
  .transform((c) => [...new Set(c)]);
const lostReason = text(500);

/** A deal starts in the first open stage of its pipeline (the default one) unless stageId names another. */
export const createDealBody = z.strictObject({
  name: text(200),
  pipelineId: id.optional(),
  stageId: stageId.optional(),
  amount: money.optional(),
  closeDate: closeDate.optional(),
  /** Defaults to the caller. */
  ownerId: text(128).optional(),
  contactIds,
  companyId: id.optional(),
  lostReason: lostReason.optional(),
  attributes: attributes.optional(),
});

/** PATCH: any subset; null clears an optional field; attributes merge; pipelineId only together with stageId. */
export const updateDealBody = z
  .strictObject({
    name: text(200),
    pipelineId: id,
    stageId,
    amount: money.nullable(),
    closeDate: closeDate.nullable(),
    ownerId: text(128),
    contactIds,
    companyId: id.nullable(),
    lostReason: lostReason.nullable(),
    attributes,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' })
  .refine((b) => b.pipelineId === undefined || b.stageId !== undefined, {
    message: 'moving to another pipeline needs stageId',
    path: ['stageId'],
  });

export const dealIdParams = z.strictObject({ id });

/** A board column (pipelineId and stageId) or an owner's deals (ownerId, the caller by default); not both. */
export const listDealsQuery = listQuery
  .extend({ pipelineId: id.optional(), stageId: stageId.optional(), ownerId: text(128).optional() })
  .refine((q) => (q.pipelineId === undefined) === (q.stageId === undefined), {
    message: 'a board column needs both pipelineId and stageId',
    path: ['stageId'],
  })
  .refine((q) => !(q.stageId && q.ownerId), { message: 'give either pipelineId and stageId, or ownerId', path: ['ownerId'] });

export const dealResponse = z
  .object({
    id,
    version: z.number().int(),
    name: z.string(),
    pipelineId: id,
    stageId: z.string(),
    /** open, or won/lost once the deal is in a stage of that kind. */
    status: z.enum(stageKinds),
    stageEnteredAt: z.string(),
    amount: money.optional(),
    closeDate: z.string().optional(),
    ownerId: z.string(),
    contactIds: z.array(id),
    companyId: id.optional(),
    lostReason: z.string().optional(),
    /** When the deal entered its won or lost stage. */
    closedAt: z.string().optional(),
    attributes: z.record(z.string(), z.unknown()),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Deal' });
export type Deal = z.infer<typeof dealResponse>;
export type DealPatch = z.output<typeof updateDealBody>;
export type NewDeal = z.output<typeof createDealBody>;

export const stageChangeResponse = z
  .object({
    id: z.string(),
    dealId: id,
    pipelineId: id,
    /** Absent on the entry of the deal's first stage. */
    fromStage: z.string().optional(),
    toStage: z.string(),
    /** The pipeline of the previous stage when the deal changed pipelines. */
    fromPipelineId: id.optional(),
    at: z.string(),
    by: z.string(),
    /** How long the deal stayed in the previous stage. */
    msInPreviousStage: z.number().int().optional(),
  })
  .meta({ id: 'DealStageChange' });
export type StageChange = z.infer<typeof stageChangeResponse>;

export const stageHistoryQuery = listQuery;
