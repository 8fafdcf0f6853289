import * as z from 'zod';
import { systemActor } from '../../shared/domain/actor.ts';
import { withTrace } from '../../shared/events/trace.ts';
import { knowledgeRepository } from './repository.ts';
import { knowledgeCore } from './service.ts';

const deflectionJob = z.object({ kind: z.literal('deflection'), tenantId: z.string(), sessionId: z.string() });

/** A search session's timer (scheduled 24 h after its first search): counts its deflections once. */
export const handler = async (payload: unknown) => {
  const job = deflectionJob.parse(payload);
  await withTrace({ actor: systemActor('knowledge'), correlationId: `kb-session-${job.sessionId}` }, () =>
    knowledgeCore(knowledgeRepository).countDeflection(job.tenantId, job.sessionId),
  );
};
