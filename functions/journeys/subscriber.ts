import { type EventHandlers, eventHandler } from '../../shared/events/subscriber.ts';
import { journeyEventTypes } from './event-types.ts';
import { liveEngine } from './live-engine.ts';

/**
 * Every domain event about a contact reaches the engine: it may reach a
 * run's goal, wake a run waiting for it, or start a journey.
 */
export const handler = eventHandler(
  'journeys',
  Object.fromEntries(journeyEventTypes.map((type) => [type, liveEngine.handleEvent])) as EventHandlers,
);
