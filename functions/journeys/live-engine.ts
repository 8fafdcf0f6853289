import { logger } from '../../shared/logger.ts';
import { journeyEngine } from './engine.ts';
import { liveEffects } from './live-effects.ts';
import { runRepository } from './run-repository.ts';

/** The engine over the table and the other contexts' services: what the subscriber, the scheduled job and the sweep run. */
export const liveEngine = journeyEngine({
  store: runRepository,
  effects: liveEffects,
  observe: (o) => {
    if (o.kind === 'ended') logger.info('journey run ended', { runId: o.run.id, journeyId: o.run.journeyId, reason: o.reason });
  },
});
