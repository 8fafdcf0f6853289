import { systemActor } from '../../shared/domain/actor.ts';
import { withTrace } from '../../shared/events/trace.ts';
import { logger } from '../../shared/logger.ts';
import { clock } from '../../shared/ports/clock.ts';
import { forecastRepository } from './repository.ts';
import { weekOf } from './rules.ts';
import { takeSnapshots } from './service.ts';
import { liveDeals } from './sources.ts';

/**
 * The weekly forecast snapshot (functions/schedules.ts; its event's `time`
 * names the moment): for the quarter and the month of that time, every
 * tenant with deals closing in it (one Query of the period's tenant list, no
 * Scan) gets one immutable snapshot per ISO week. The job runs daily; the
 * first run of a week writes the week's snapshot and later runs find it taken,
 * so a missed or repeated run neither loses nor doubles a week.
 */
export const handler = async (event?: { time?: string }) => {
  const at = event?.time ? new Date(event.time) : clock().now();
  await withTrace({ actor: systemActor('forecast'), correlationId: `forecast-snapshot-${weekOf(at)}` }, async () => {
    const written = await takeSnapshots(forecastRepository, liveDeals, at);
    logger.info('forecast snapshots', { week: weekOf(at), written });
  });
};
