import * as z from 'zod';
import { listQuery, text } from '../../shared/domain/fields.ts';
import { money } from '../../shared/events/catalog.ts';

export const forecastCategories = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const;
export type ForecastCategory = (typeof forecastCategories)[number];

/** A calendar quarter (2026-Q4) or month (2026-11): deals count in the periods their closeDate falls in. */
export const period = z.string().regex(/^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$/, 'a quarter such as 2026-Q4 or a month such as 2026-11');
const ownerId = text(128);

export const forecastQuery = z.strictObject({ period, ownerId: ownerId.optional() });
export const ownerPeriodParams = z.strictObject({ period, ownerId });

export const adjustmentBody = z.strictObject({
  /** Signed amount the manager adds to the owner's computed forecast, in integer minor units. */
  amount: money,
  note: text(500).optional(),
});
export const quotaBody = z.strictObject({ amount: money.refine((m) => m.amount > 0, 'a quota is positive') });

const managerEntry = {
  period: z.string(),
  ownerId: z.string(),
  version: z.number().int(),
  amount: money,
  updatedAt: z.string(),
  updatedBy: z.string(),
};
export const adjustmentResponse = z.object({ ...managerEntry, note: z.string().optional() }).meta({ id: 'ForecastAdjustment' });
export type Adjustment = z.infer<typeof adjustmentResponse>;
export const quotaResponse = z.object(managerEntry).meta({ id: 'Quota' });
export type Quota = z.infer<typeof quotaResponse>;

const currencyFigures = z.object({
  currency: z.string(),
  amount: z.number().int(),
  /** Σ over the stages of round(amount × probability / 100), halves away from zero. */
  weighted: z.number().int(),
});
const categoryFigures = z.object({
  category: z.enum(forecastCategories),
  deals: z.number().int(),
  /** Per currency; deals without an amount count in `deals` only. */
  amounts: z.array(currencyFigures),
});
const closedWon = z.object({ deals: z.number().int(), amounts: z.array(money) });

/** The computed figures of a forecast, the same in a live read and in a weekly snapshot. */
export const forecastFigures = z.object({ categories: z.array(categoryFigures), closedWon });
export type ForecastFigures = z.infer<typeof forecastFigures>;

export const forecastResponse = forecastFigures
  .extend({
    period: z.string(),
    ownerId: z.string().optional(),
    /** Manager adjustments, apart from the computed figures. */
    adjustments: z.array(adjustmentResponse),
    quotas: z.array(quotaResponse),
    /** Closed-won / quota per quota currency (quotas of the owners read, summed). */
    attainment: z.array(z.object({ currency: z.string(), closedWon: z.number().int(), quota: z.number().int(), ratio: z.number() })),
  })
  .meta({ id: 'Forecast' });

export const historyQuery = listQuery.extend({ period });
export const snapshotResponse = forecastFigures
  .extend({
    period: z.string(),
    /** The Monday (UTC) of the week the snapshot was taken. */
    week: z.string(),
    takenAt: z.string(),
    /** Movement since the previous snapshot of the period (written with it), per category and currency; absent on the first one. */
    change: z
      .array(z.object({ category: z.enum(forecastCategories), deals: z.number().int(), amounts: z.array(currencyFigures) }))
      .optional(),
  })
  .meta({ id: 'ForecastSnapshot' });
export type Snapshot = z.infer<typeof snapshotResponse>;

export const pipelineReportQuery = z.strictObject({ pipelineId: z.string().min(1).max(64) });
export const pipelineReportResponse = z
  .object({
    pipelineId: z.string(),
    stages: z.array(
      z.object({
        stageId: z.string(),
        name: z.string(),
        kind: z.enum(['open', 'won', 'lost']),
        /** Deals now in the stage, and their amounts per currency. */
        deals: z.number().int(),
        amounts: z.array(money),
        /** Mean age (since creation) of the deals now in the stage; null when none. */
        averageAgeMs: z.number().int().nullable(),
        /** Deals that entered the stage and later moved to a later, not lost, stage / deals that entered it. */
        conversionRate: z.number().nullable(),
        /** Won / closed among the closed deals that passed through the stage. */
        winRate: z.number().nullable(),
        /** Mean time deals spent in the stage before leaving it. */
        averageMsInStage: z.number().int().nullable(),
      }),
    ),
  })
  .meta({ id: 'PipelineReport' });
export type PipelineReport = z.infer<typeof pipelineReportResponse>;
