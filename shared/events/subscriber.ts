import type { EventBridgeEvent } from 'aws-lambda';
import { logger } from '../http/handler.ts';
import { type DomainEvent, type EventType, eventEnvelope } from './catalog.ts';

export type EventHandlers = Partial<Record<EventType, (event: DomainEvent) => Promise<void>>>;

/**
 * The Lambda entry for a context's event subscriptions: validates the
 * envelope and dispatches on its type. Delivery is at least once, so every
 * handler must be idempotent; a throw makes EventBridge retry, then dead-letter.
 */
export const eventHandler = (handlers: EventHandlers) => async (event: EventBridgeEvent<string, unknown>) => {
  logger.resetKeys();
  const domain = eventEnvelope.parse(event.detail);
  const handle = handlers[domain.type as EventType];
  if (!handle) {
    logger.warn('no handler for event type', { type: domain.type });
    return;
  }
  logger.appendKeys({ tenantId: domain.tenantId, eventId: domain.id, eventType: domain.type });
  await handle(domain);
};
