import { tenantKey } from '../../shared/db/tenant.ts';
import type { CounterRef } from './rules.ts';

/** Entity names this context stores (the `entity` attribute). */
export const forecastEntities = {
  dealState: 'FORECAST_DEAL_STATE',
  applied: 'FORECAST_APPLIED_EVENT',
  counter: 'FORECAST_COUNTER',
  stageCounter: 'PIPELINE_REPORT_COUNTER',
  adjustment: 'FORECAST_ADJUSTMENT',
  quota: 'FORECAST_QUOTA',
  periodTenant: 'FORECAST_PERIOD_TENANT',
  snapshot: 'FORECAST_SNAPSHOT',
} as const;

/** How long an applied-event marker is kept (the state's version keeps later redeliveries harmless). */
export const appliedMarkerDays = 14;

export const forecastKeys = {
  /** The last state of a deal the counters hold: GetItem by deal id (consistent) before each event is applied. */
  dealState: (tenantId: string, dealId: string) => ({ PK: `${tenantKey(tenantId)}#FCD#${dealId}`, SK: 'S' }),
  /** An event applied to the counters, written in the same transaction: a redelivery fails on it. */
  applied: (tenantId: string, dealId: string, eventId: string) => ({ PK: `${tenantKey(tenantId)}#FCD#${dealId}`, SK: `E#${eventId}` }),
  /** A period's forecast: counters per owner, pipeline, stage and currency, adjustments and quotas, one Query (one owner: begins_with O#owner#). */
  forecastPartition: (tenantId: string, period: string) => `${tenantKey(tenantId)}#FC#${period}`,
  ownerPrefix: (ownerId: string) => `O#${ownerId}#`,
  counter: (tenantId: string, r: Extract<CounterRef, { kind: 'forecast' }>) => ({
    PK: forecastKeys.forecastPartition(tenantId, r.period),
    SK: `O#${r.ownerId}#C#${r.pipelineId}#${r.stageId}#${r.currency}`,
  }),
  adjustment: (tenantId: string, period: string, ownerId: string) => ({
    PK: forecastKeys.forecastPartition(tenantId, period),
    SK: `O#${ownerId}#ADJ`,
  }),
  quota: (tenantId: string, period: string, ownerId: string) => ({
    PK: forecastKeys.forecastPartition(tenantId, period),
    SK: `O#${ownerId}#Q`,
  }),
  /** A pipeline's report counters: per stage (ST#), per stage and currency (SC#), per pair of stages moved between (MV#); one Query. */
  reportPartition: (tenantId: string, pipelineId: string) => `${tenantKey(tenantId)}#PR#${pipelineId}`,
  stageCounter: (tenantId: string, r: Exclude<CounterRef, { kind: 'forecast' }>) => ({
    PK: forecastKeys.reportPartition(tenantId, r.pipelineId),
    SK:
      r.kind === 'stage'
        ? `ST#${r.stageId}`
        : r.kind === 'stageCurrency'
          ? `SC#${r.stageId}#${r.currency}`
          : `MV#${r.stageId}#${r.toStage}`,
  }),
  /** The tenants with deals closing in a period, the one cross-tenant partition: the weekly snapshot Queries it. */
  periodTenant: (period: string, tenantId: string) => ({ PK: `FCTEN#${period}`, SK: tenantId }),
  periodTenantsPartition: (period: string) => `FCTEN#${period}`,
  /** A weekly snapshot of a period's forecast, immutable: the history is one Query, oldest week first. */
  snapshot: (tenantId: string, period: string, week: string) => ({ PK: `${tenantKey(tenantId)}#FCH#${period}`, SK: `W#${week}` }),
  historyPartition: (tenantId: string, period: string) => `${tenantKey(tenantId)}#FCH#${period}`,
} as const;
