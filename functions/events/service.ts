import { createHash } from 'node:crypto';
import { getItem } from '../../shared/db/query.ts';
import { isWriteConflict, labelled, putNew, transact } from '../../shared/db/transact.ts';
import { unprocessable } from '../../shared/errors.ts';
import type { EventData } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { Reply } from '../../shared/http/reply.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { contactsApi } from '../contacts/api.ts';
import { eventKeys, sourceGuardItem } from './items.ts';
import type { eventRoutes } from './routes.ts';

/** The contact the event names does not exist (`CONTACT`), or its source id was published already (`SOURCE_ID`). */
type IngestConflict = 'CONTACT' | 'SOURCE_ID';

/**
 * Ingest: the event goes to the outbox in one transaction with a check that
 * its contact exists and, when the source gave an id, a guard that makes a
 * resend a no-op answering with the first event's id. The guard keeps a hash
 * of the body, so reusing the id for other content is refused (as with a reused
 * Idempotency-Key) instead of being swallowed as a duplicate.
 */
export const eventService: ServiceFor<typeof eventRoutes, RequestContext> = {
  async ingestEvent({ body }, ctx) {
    const occurredAt = body.occurredAt ? new Date(body.occurredAt) : clock().now();
    const event = domainEvent(ctx.tenantId, body.type, body.data as EventData<typeof body.type>, occurredAt);
    const bodyHash = fingerprint(body);
    const guard = body.sourceId ? sourceGuardItem(ctx.tenantId, body.type, body.sourceId, event.id, bodyHash) : undefined;
    try {
      await transact<IngestConflict>(
        [
          labelled('CONTACT', contactsApi.transactItems.exists(ctx.tenantId, body.data.contactId)),
          ...(guard ? [labelled('SOURCE_ID' as const, putNew(guard))] : []),
        ],
        [event],
      );
    } catch (error) {
      if (!isWriteConflict<IngestConflict>(error)) throw error;
      if (error.reason === 'CONTACT')
        throw unprocessable('the contact does not exist', { errors: { 'body.data.contactId': ['no contact with this id'] } });
      const first = body.sourceId ? await getItem(eventKeys.sourceGuard(ctx.tenantId, body.type, body.sourceId), true) : undefined;
      // Guards written before hashes were kept have none: they still answer as duplicates.
      if (first?.bodyHash !== undefined && first.bodyHash !== bodyHash) {
        throw unprocessable('this sourceId was already used with another payload; send the new fact with a new sourceId', {
          errors: { 'body.sourceId': [`already used for event ${String(first.eventId)} with a different body`] },
        });
      }
      return new Reply(200, { id: String(first?.eventId), type: body.type, duplicate: true });
    }
    return { id: event.id, type: body.type, duplicate: false };
  },
};

/** SHA-256 of the body as JSON with sorted keys, so key order does not make two bodies differ. */
const fingerprint = (body: unknown) => createHash('sha256').update(JSON.stringify(body, sortedKeys)).digest('base64url');

const sortedKeys = (_key: string, value: unknown) =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
    : value;
