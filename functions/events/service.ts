import { keys } from '../../shared/db/keys.ts';
import { getItem } from '../../shared/db/query.ts';
import { putNew, TransactionConflict, writeWithEvents } from '../../shared/db/transact.ts';
import { unprocessable } from '../../shared/errors.ts';
import type { EventData } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { Reply } from '../../shared/http/reply.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { contactExists } from '../contacts/timeline-link.ts';
import type { eventRoutes } from './routes.ts';

/**
 * Ingest: the event goes to the outbox in one transaction with a check that
 * its contact exists and, when the source gave an id, a guard that makes a
 * resend a no-op answering with the first event's id.
 */
export const eventService: ServiceFor<typeof eventRoutes, RequestContext> = {
  async ingestEvent({ body }, ctx) {
    const occurredAt = body.occurredAt ? new Date(body.occurredAt) : clock().now();
    const event = domainEvent(ctx.tenantId, body.type, body.data as EventData<typeof body.type>, occurredAt);
    const guardKey = body.sourceId ? keys.unique(ctx.tenantId, 'EVENT', `${body.type}#${body.sourceId}`) : undefined;
    const items = [contactExists(ctx.tenantId, body.data.contactId), ...(guardKey ? [putNew({ ...guardKey, entity: 'UNIQUE', eventId: event.id })] : [])];
    try {
      await writeWithEvents(items, [event]);
    } catch (error) {
      if (!(error instanceof TransactionConflict)) throw error;
      if (error.failed.includes(0)) throw unprocessable('the contact does not exist', { errors: { 'body.data.contactId': ['no contact with this id'] } });
      const first = guardKey && (await getItem(guardKey, true));
      return new Reply(200, { id: String(first?.eventId), type: body.type, duplicate: true });
    }
    return { id: event.id, type: body.type, duplicate: false };
  },
};
