import { isWriteConflict } from '../../shared/db/transact.ts';
import { notFound, preconditionFailed } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { retry } from '../../shared/retry.ts';
import type { Pipeline } from '../deals/api.ts';
import type { ForecastConflict, ForecastRepository } from './repository.ts';
import type { forecastRoutes } from './routes.ts';
import {
  counterChanges,
  currentPeriods,
  type DealState,
  forecastFigures,
  type Move,
  movement,
  nextState,
  periodsOf,
  pipelineReport,
  type StageInfo,
  type TrackedDeal,
  weekOf,
} from './rules.ts';
import type { Adjustment, ForecastFigures, Quota } from './schemas.ts';

/** What the forecast reads of deals (dealsApi in the handler and subscriber). */
export interface DealsSource {
  /** The deal as it is now, strongly consistent; undefined once deleted. */
  deal(tenantId: string, dealId: string): Promise<TrackedDeal | undefined>;
  pipeline(tenantId: string, pipelineId: string): Promise<Pipeline | undefined>;
  pipelines(tenantId: string): Promise<Pipeline[]>;
}

const applyAttempts = 10;

/**
 * Applies one deal event to the counters: reads the deal's last applied state
 * and the deal as it is now, and moves the counters from the old state's
 * contribution to the new one's, with the event's marker, in one
 * transaction. A redelivered event fails on its marker or finds nothing new;
 * an event older than the state applied finds nothing new either; a race
 * with another event of the same deal is retried on fresh state.
 */
export const applyDealEvent = async (
  repo: ForecastRepository,
  deals: DealsSource,
  tenantId: string,
  event: { id: string; dealId: string; move?: Move },
) =>
  retry(
    async () => {
      const before = await repo.dealState(tenantId, event.dealId);
      if (before?.deleted || (event.move && before?.moves[event.id])) return;
      const deal = await deals.deal(tenantId, event.dealId);
      const after = nextState(before, event.dealId, deal, event.move && { eventId: event.id, ...event.move });
      if (!after) return;
      const periods = after.deal?.closeDate && !after.deleted ? periodsOf(after.deal.closeDate) : [];
      const known = new Set(before?.deal?.closeDate && !before.deleted ? periodsOf(before.deal.closeDate) : []);
      try {
        await repo.applyDeal(tenantId, {
          before,
          after,
          eventId: event.id,
          changes: counterChanges(before, after),
          periods: periods.filter((p) => !known.has(p)),
        });
      } catch (error) {
        if (isWriteConflict<ForecastConflict>(error, 'APPLIED')) return;
        throw error;
      }
    },
    { attempts: applyAttempts, retryOn: (error) => isWriteConflict<ForecastConflict>(error, 'STATE') },
  );

export type { DealState };

const stageLookup = (pipelines: Pipeline[]) => {
  const stages = new Map(pipelines.flatMap((p) => p.stages.map((s) => [`${p.id}#${s.id}`, s] as const)));
  return (pipelineId: string, stageId: string): StageInfo | undefined => stages.get(`${pipelineId}#${stageId}`);
};

/** The computed figures of a period (one owner or all): one Query of its partition and one of the pipelines. */
const computed = async (repo: ForecastRepository, deals: DealsSource, tenantId: string, period: string, ownerId?: string) => {
  const [read, pipelines] = await Promise.all([repo.forecast(tenantId, period, ownerId), deals.pipelines(tenantId)]);
  return { ...read, figures: forecastFigures(read.counters, stageLookup(pipelines)) };
};

const attainment = (figures: ForecastFigures, quotas: Quota[]) => {
  const byCurrency = new Map<string, number>();
  for (const q of quotas) byCurrency.set(q.amount.currency, (byCurrency.get(q.amount.currency) ?? 0) + q.amount.amount);
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, quota]) => {
      const closedWon = figures.closedWon.amounts.find((m) => m.currency === currency)?.amount ?? 0;
      return { currency, closedWon, quota, ratio: Math.round((closedWon / quota) * 10_000) / 10_000 };
    });
};

/**
 * Writes every tenant's snapshot of each period the time falls in (its quarter
 * and month), once per week, with its movement since the newest snapshot before
 * it; a week already taken (or a later one) is left as it is.
 */
export const takeSnapshots = async (repo: ForecastRepository, deals: DealsSource, at: Date) => {
  const week = weekOf(at);
  let written = 0;
  for (const period of currentPeriods(at))
    for await (const tenants of repo.periodTenants(period))
      for (const tenantId of tenants) {
        const previous = await repo.latestSnapshot(tenantId, period);
        if (previous && previous.week >= week) continue;
        const { figures } = await computed(repo, deals, tenantId, period);
        const change = previous && movement(previous, figures);
        try {
          await repo.saveSnapshot(tenantId, { period, week, takenAt: at.toISOString(), ...figures, ...(change && { change }) }, [
            domainEvent(tenantId, 'forecast.snapshot_taken', { period, week }),
          ]);
          written++;
        } catch (error) {
          if (!isWriteConflict<ForecastConflict>(error, 'EXISTS')) throw error;
        }
      }
  return written;
};

type ManagerEntry = Adjustment | Quota;

export const forecastService = (repo: ForecastRepository, deals: DealsSource) => {
  /** PUT of an adjustment or quota: If-Match pins the version (412 when stale or absent); without it the write is an upsert. */
  const upsert = <T extends ManagerEntry>(
    read: () => Promise<T | undefined>,
    save: (before: T | undefined, after: T) => Promise<void>,
    make: (before: T | undefined) => T,
    ifMatch: number | undefined,
  ) =>
    retry(
      async () => {
        const before = await read();
        if (ifMatch !== undefined && ifMatch !== before?.version) throw preconditionFailed();
        const after = make(before);
        await save(before, after);
        return after;
      },
      { attempts: 5, retryOn: (e) => ifMatch === undefined && isWriteConflict<ForecastConflict>(e, 'VERSION', 'EXISTS') },
    ).catch((error) => {
      if (isWriteConflict<ForecastConflict>(error, 'VERSION', 'EXISTS')) throw preconditionFailed();
      throw error;
    });

  const service: ServiceFor<typeof forecastRoutes, RequestContext> = {
    async getForecast({ query }, ctx) {
      const { figures, adjustments, quotas } = await computed(repo, deals, ctx.tenantId, query.period, query.ownerId);
      return {
        period: query.period,
        ...(query.ownerId && { ownerId: query.ownerId }),
        ...figures,
        adjustments,
        quotas,
        attainment: attainment(figures, quotas),
      };
    },

    putAdjustment: ({ params, body, ifMatch }, ctx) =>
      upsert<Adjustment>(
        () => repo.getAdjustment(ctx.tenantId, params.period, params.ownerId),
        (before, after) =>
          repo.saveAdjustment(ctx.tenantId, { before, after }, [
            domainEvent(ctx.tenantId, 'forecast.adjusted', {
              period: after.period,
              ownerId: after.ownerId,
              version: after.version,
              amount: after.amount,
              note: after.note,
            }),
          ]),
        (before) => ({
          period: params.period,
          ownerId: params.ownerId,
          version: (before?.version ?? 0) + 1,
          amount: body.amount,
          ...(body.note && { note: body.note }),
          updatedAt: clock().now().toISOString(),
          updatedBy: ctx.userId,
        }),
        ifMatch,
      ),

    putQuota: ({ params, body, ifMatch }, ctx) =>
      upsert<Quota>(
        () => repo.getQuota(ctx.tenantId, params.period, params.ownerId),
        (before, after) =>
          repo.saveQuota(ctx.tenantId, { before, after }, [
            domainEvent(ctx.tenantId, 'forecast.quota_set', {
              period: after.period,
              ownerId: after.ownerId,
              version: after.version,
              amount: after.amount,
            }),
          ]),
        (before) => ({
          period: params.period,
          ownerId: params.ownerId,
          version: (before?.version ?? 0) + 1,
          amount: body.amount,
          updatedAt: clock().now().toISOString(),
          updatedBy: ctx.userId,
        }),
        ifMatch,
      ),

    forecastHistory: ({ query }, ctx) => repo.history(ctx.tenantId, query.period, query),

    async pipelineReport({ query }, ctx) {
      const [pipeline, counters] = await Promise.all([
        deals.pipeline(ctx.tenantId, query.pipelineId),
        repo.pipelineCounters(ctx.tenantId, query.pipelineId),
      ]);
      if (!pipeline) throw notFound('pipeline');
      return pipelineReport(pipeline, counters, clock().now().getTime());
    },
  };
  return service;
};
