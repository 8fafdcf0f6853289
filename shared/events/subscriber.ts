import type { EventBridgeEvent } from 'aws-lambda';
import { systemActor } from '../domain/actor.ts';
import { logger } from '../logger.ts';
import { type ConsumedEvent, type EventType, eventCatalog, eventEnvelope } from './catalog.ts';
import { withTrace } from './trace.ts';

export type EventHandlers = { [T in EventType]?: (event: ConsumedEvent<T>) => Promise<void> };

/**
 * The Lambda entry for a context's event subscriptions: validates the
 * envelope, parses `data` with the catalog's schema for its type and
 * dispatches. Events the handler emits carry the context as actor, the chain's
 * correlation id and this event as their cause. Delivery is at least once, so
 * every handler must be idempotent; a throw (a malformed event included) makes
 * EventBridge retry, then dead-letter.
 */
export const eventHandler = (context: string, handlers: EventHandlers) => async (event: EventBridgeEvent<string, unknown>) => {
  logger.resetKeys();
  const envelope = eventEnvelope.parse(event.detail);
  const type = envelope.type as EventType;
  const handle = handlers[type] as ((e: ConsumedEvent<EventType>) => Promise<void>) | undefined;
  if (!handle || !(type in eventCatalog)) {
    logger.warn('no handler for event type', { type: envelope.type });
    return;
  }
  logger.appendKeys({ tenantId: envelope.tenantId, eventId: envelope.id, eventType: type, correlationId: envelope.correlationId });
  const consumed = { ...envelope, type, data: eventCatalog[type].data.parse(envelope.data) } as ConsumedEvent<EventType>;
  const trace = { actor: systemActor(context), correlationId: envelope.correlationId ?? envelope.id, causationId: envelope.id };
  await withTrace(trace, () => handle(consumed));
};
