import * as z from 'zod';
import { liveEngine } from './live-engine.ts';

const wakeJob = z.object({ kind: z.literal('wake'), tenantId: z.string(), runId: z.string(), stepId: z.string(), visit: z.number().int() });

/** A run's timer (a wait, a delay, a wait_for_event timeout), scheduled through the scheduler port with target 'journeys'. */
export const handler = async (payload: unknown) => {
  await liveEngine.wake(wakeJob.parse(payload));
};
