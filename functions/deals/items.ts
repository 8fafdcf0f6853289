import { tenantKey } from '../../shared/db/tenant.ts';
import type { Deal, Pipeline, StageChange } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const dealEntities = {
  pipeline: 'PIPELINE',
  stageCount: 'PIPELINE_STAGE_COUNT',
  deal: 'DEAL',
  dealContact: 'DEAL_CONTACT',
  stageChange: 'DEAL_STAGE_CHANGE',
  changeGuard: 'DEAL_CHANGE_GUARD',
} as const;

export const dealKeys = {
  /** A pipeline with its ordered stages: GetItem by id. */
  pipeline: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#PL#${id}`, SK: 'PL' }),
  /** GSI1: a tenant's pipelines, oldest first (the default one, made with a time-zero id, comes first). */
  pipelineList: (tenantId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#PL`, GSI1SK: id }),
  pipelineListPartition: (tenantId: string) => `${tenantKey(tenantId)}#PL`,
  /** How many deals are in a stage, beside its pipeline: "is this stage in use" is one GetItem. */
  stageCount: (tenantId: string, pipelineId: string, stageId: string) => ({
    PK: `${tenantKey(tenantId)}#PL#${pipelineId}`,
    SK: `STC#${stageId}`,
  }),
  /** A deal: GetItem by id. */
  deal: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#D#${id}`, SK: 'D' }),
  /** GSI1: a board column, the deals in one stage of one pipeline, oldest first. */
  dealStage: (tenantId: string, pipelineId: string, stageId: string, id: string) => ({
    GSI1PK: `${tenantKey(tenantId)}#D#PL#${pipelineId}#ST#${stageId}`,
    GSI1SK: id,
  }),
  dealStagePartition: (tenantId: string, pipelineId: string, stageId: string) => `${tenantKey(tenantId)}#D#PL#${pipelineId}#ST#${stageId}`,
  /** GSI2: an owner's deals, oldest first. */
  dealOwner: (tenantId: string, ownerId: string, id: string) => ({ GSI2PK: `${tenantKey(tenantId)}#D#OWNER#${ownerId}`, GSI2SK: id }),
  dealOwnerPartition: (tenantId: string, ownerId: string) => `${tenantKey(tenantId)}#D#OWNER#${ownerId}`,
  /** A deal's link to one of its contacts, in the deal's partition; GSI3 lists a contact's deals. */
  dealContact: (tenantId: string, dealId: string, contactId: string) => ({
    PK: `${tenantKey(tenantId)}#D#${dealId}`,
    SK: `C#${contactId}`,
    GSI3PK: `${tenantKey(tenantId)}#D#C#${contactId}`,
    GSI3SK: dealId,
  }),
  contactDealsPartition: (tenantId: string, contactId: string) => `${tenantKey(tenantId)}#D#C#${contactId}`,
  /** A deal's stage changes, in its partition, oldest first by id (ULID): the history is one Query. */
  stageChange: (tenantId: string, dealId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#D#${dealId}`, SK: `H#${id}` }),
  stageChangePrefix: 'H#',
  /** A change made once per cause (a quote's acceptance wins the deal once), in the deal's partition: GetItem, written with the change. */
  changeGuard: (tenantId: string, dealId: string, key: string) => ({ PK: `${tenantKey(tenantId)}#D#${dealId}`, SK: `G#${key}` }),
  changeGuardPrefix: 'G#',
  dealPartition: (tenantId: string, dealId: string) => `${tenantKey(tenantId)}#D#${dealId}`,
} as const;

export const pipelineItem = (tenantId: string, p: Pipeline) => ({
  ...dealKeys.pipeline(tenantId, p.id),
  ...dealKeys.pipelineList(tenantId, p.id),
  entity: dealEntities.pipeline,
  ...p,
});

export const dealItem = (tenantId: string, d: Deal) => ({
  ...dealKeys.deal(tenantId, d.id),
  ...dealKeys.dealStage(tenantId, d.pipelineId, d.stageId, d.id),
  ...dealKeys.dealOwner(tenantId, d.ownerId, d.id),
  entity: dealEntities.deal,
  ...d,
});

export const dealContactItem = (tenantId: string, dealId: string, contactId: string) => ({
  ...dealKeys.dealContact(tenantId, dealId, contactId),
  entity: dealEntities.dealContact,
  dealId,
  contactId,
});

export const stageChangeItem = (tenantId: string, change: StageChange) => ({
  ...dealKeys.stageChange(tenantId, change.dealId, change.id),
  entity: dealEntities.stageChange,
  ...change,
});
