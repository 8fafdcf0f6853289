import * as z from 'zod';
import { systemActor } from '../../shared/domain/actor.ts';
import { slaTargets } from '../../shared/events/catalog.ts';
import { withTrace } from '../../shared/events/trace.ts';
import { liveTicketSla } from './live.ts';

const timer = z.object({
  kind: z.enum(['warning', 'breach']),
  tenantId: z.string(),
  ticketId: z.string(),
  target: z.enum(slaTargets),
  cycle: z.number().int(),
  rev: z.number().int(),
});

/**
 * A ticket's SLA warning or breach timer (scheduled through the scheduler port
 * with target 'sla'). The current state decides whether it still means
 * anything; the events it causes correlate to the timer.
 */
export const handler = async (payload: unknown) => {
  const job = timer.parse(payload);
  await withTrace(
    { actor: systemActor('sla'), correlationId: `sla-${job.ticketId}-${job.target}-${job.kind}-${job.cycle}-${job.rev}` },
    () => liveTicketSla().fire(job),
  );
};
