import * as z from 'zod';
import { systemActor } from '../../shared/domain/actor.ts';
import { withTrace } from '../../shared/events/trace.ts';
import { liveEngine } from './live-engine.ts';

const wakeJob = z.object({ kind: z.literal('wake'), tenantId: z.string(), runId: z.string(), stepId: z.string(), visit: z.number().int() });

/**
 * A run's timer (a wait, a delay, a wait_for_event timeout), scheduled through the scheduler port with target 'journeys'.
 * The events it causes correlate to the schedule's name (steps.ts names it).
 */
export const handler = async (payload: unknown) => {
  const job = wakeJob.parse(payload);
  await withTrace({ actor: systemActor('journeys'), correlationId: `j-${job.runId}-${job.visit}-${job.stepId}` }, () =>
    liveEngine.wake(job),
  );
};
