import { eventHandler } from '../../shared/events/subscriber.ts';
import { forecastRepository } from './repository.ts';
import { applyDealEvent } from './service.ts';
import { liveDeals } from './sources.ts';

const apply = (tenantId: string, id: string, dealId: string) => applyDealEvent(forecastRepository, liveDeals, tenantId, { id, dealId });

/**
 * Keeps the forecast and pipeline-report counters: each deal event moves the
 * deal's contribution from the state applied last to the deal as it is now;
 * a stage change also records the move and the time spent in the stage left.
 * deal.won and deal.lost come with a deal.updated of the same change, which
 * applies it.
 */
export const handler = eventHandler('forecast', {
  'deal.created': (e) => apply(e.tenantId, e.id, e.data.dealId),
  'deal.updated': (e) => apply(e.tenantId, e.id, e.data.dealId),
  'deal.deleted': (e) => apply(e.tenantId, e.id, e.data.dealId),
  'deal.stage_changed': (e) =>
    applyDealEvent(forecastRepository, liveDeals, e.tenantId, {
      id: e.id,
      dealId: e.data.dealId,
      // An ingested stage change names no pipeline: it is no move of one of Rapport's deals.
      ...(e.data.pipeline && {
        move: {
          pipelineId: e.data.pipeline,
          to: e.data.toStage,
          ...(e.data.fromStage && { from: e.data.fromStage }),
          ...(e.data.msInPreviousStage !== undefined && { ms: e.data.msInPreviousStage }),
        },
      }),
    }),
});
