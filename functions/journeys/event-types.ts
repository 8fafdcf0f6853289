import { type EventType, eventCatalog } from '../../shared/events/catalog.ts';

/**
 * Event types that concern one contact (their data carries contactId): the
 * only ones a journey can start, wait or exit on, and so every type the
 * journey subscriber must receive (functions/subscriptions.ts routes them).
 */
export const journeyEventTypes = (Object.keys(eventCatalog) as EventType[]).filter((type) => 'contactId' in eventCatalog[type].data.shape);
