import { kernelEntities, keys } from '../db/keys.ts';
import { clock } from '../ports/clock.ts';
import { newId } from '../ports/ids.ts';
import { type DomainEvent, type EventData, type EventType, eventCatalog } from './catalog.ts';
import { currentTrace } from './trace.ts';

/** Outbox items expire after a week; the stream has long since relayed them. */
const outboxRetentionSeconds = 7 * 24 * 3600;

/** Builds a domain event, validating its data against the catalog; it carries the current trace (actor, correlation, cause). */
export const domainEvent = <T extends EventType>(
  tenantId: string,
  type: T,
  data: EventData<T>,
  occurredAt: Date = clock().now(),
): DomainEvent => {
  const entry = eventCatalog[type];
  return {
    id: newId(),
    type,
    version: entry.version,
    tenantId,
    occurredAt: occurredAt.toISOString(),
    data: entry.data.parse(data) as Record<string, unknown>,
    ...currentTrace(),
  };
};

/** The outbox item written in the same transaction as the change it reports. */
export const outboxItem = (event: DomainEvent) => ({
  ...keys.outbox(event.tenantId, event.id),
  entity: kernelEntities.outbox,
  event,
  expiresAt: Math.floor(Date.parse(event.occurredAt) / 1000) + outboxRetentionSeconds,
});
