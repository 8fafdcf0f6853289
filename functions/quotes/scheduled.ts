import * as z from 'zod';
import { systemActor } from '../../shared/domain/actor.ts';
import { withTrace } from '../../shared/events/trace.ts';
import { quoteReferences } from './references.ts';
import { quoteRepository } from './repository.ts';
import { quoteService } from './service.ts';

const expireJob = z.object({ kind: z.literal('expire'), tenantId: z.string(), quoteId: z.string(), number: z.number().int() });

/**
 * A sent quote's expiry, scheduled on send for the second after its validUntil
 * (service.ts names the job per version): the quote becomes expired with
 * quote.expired, unless it was decided or replaced by a newer version first.
 */
export const handler = async (payload: unknown) => {
  const job = expireJob.parse(payload);
  await withTrace({ actor: systemActor('quotes', job.quoteId), correlationId: `quote-expire-${job.quoteId}-v${job.number}` }, () =>
    quoteService(quoteRepository, quoteReferences).expireDue(job.tenantId, job.quoteId, job.number),
  );
};
