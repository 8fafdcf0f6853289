import type { EventType } from '../shared/events/catalog.ts';

/**
 * Event subscriptions: which function receives which domain events from the
 * bus. CDK turns each into an EventBridge rule; the embedded runtime's local
 * bus matches the same patterns.
 */
export interface Subscription {
  /** Rule name suffix, unique. */
  name: string;
  /** Bounded context whose functions/<context>/subscriber.ts receives the events. */
  context: string;
  /** EventBridge event pattern (matched on the bus envelope: source, detail-type, detail). */
  pattern: { source: ['rapport']; 'detail-type': EventType[]; detail?: Record<string, unknown> };
}

export const subscriptions: Subscription[] = [
  { name: 'contact-engagement', context: 'contacts', pattern: { source: ['rapport'], 'detail-type': ['order.placed'] } },
  { name: 'timeline-cleanup', context: 'activities', pattern: { source: ['rapport'], 'detail-type': ['contact.deleted'] } },
];
