import type { FieldErrors } from '../../shared/errors.ts';
import { stableId } from '../../shared/ports/ids.ts';
import type { Deal, Pipeline, Stage } from './schemas.ts';

/** The tenant's default pipeline has this id: made from the tenant with time zero, so it is the same for every writer and lists first. */
export const defaultPipelineId = (tenantId: string) => stableId(new Date(0), `${tenantId}#default-pipeline`);

export const defaultStages: Stage[] = [
  { id: 'qualification', name: 'Qualification', probability: 10, forecastCategory: 'pipeline', kind: 'open', requiredFields: [] },
  { id: 'proposal', name: 'Proposal', probability: 40, forecastCategory: 'best_case', kind: 'open', requiredFields: ['amount'] },
  {
    id: 'negotiation',
    name: 'Negotiation',
    probability: 70,
    forecastCategory: 'commit',
    kind: 'open',
    requiredFields: ['amount', 'closeDate'],
  },
  { id: 'won', name: 'Won', probability: 100, forecastCategory: 'closed', kind: 'won', requiredFields: [] },
  { id: 'lost', name: 'Lost', probability: 0, forecastCategory: 'omitted', kind: 'lost', requiredFields: [] },
];

export const defaultPipeline = (tenantId: string, now: string): Pipeline => ({
  id: defaultPipelineId(tenantId),
  version: 1,
  name: 'Sales',
  isDefault: true,
  stages: defaultStages,
  createdAt: now,
  updatedAt: now,
});

export const stageOf = (pipeline: Pipeline, stageId: string) => pipeline.stages.find((s) => s.id === stageId);
export const firstOpenStage = (pipeline: Pipeline) => pipeline.stages.find((s) => s.kind === 'open')!;

const isMissing = (value: unknown) => value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** The value of a required field: a deal field, or `attributes.<name>`. */
const fieldValue = (deal: Deal, field: string) =>
  field.startsWith('attributes.') ? deal.attributes[field.slice('attributes.'.length)] : deal[field as keyof Deal];

/** Fields the stage requires that the deal lacks; `only` limits the check to fields a change touched. */
export const missingFields = (deal: Deal, stage: Stage, only?: (field: string) => boolean) =>
  stage.requiredFields.filter((f) => (!only || only(f)) && isMissing(fieldValue(deal, f)));

/** The 422 body of missing required fields: `errors` keyed by the body field to give. */
export const missingFieldErrors = (fields: string[], stage: Stage): FieldErrors =>
  Object.fromEntries(fields.map((f) => [`body.${f}`, [`required to enter the stage ${stage.name} (${stage.id})`]]));

/** Milliseconds between two ISO times, never negative. */
export const msBetween = (from: string, to: string) => Math.max(0, Date.parse(to) - Date.parse(from));
