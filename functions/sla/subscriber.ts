import { type EventHandlers, eventHandler } from '../../shared/events/subscriber.ts';
import { slaEventTypes } from './event-types.ts';
import type { TicketEvent } from './lifecycle.ts';
import { liveTicketSla } from './live.ts';

const follow = (event: TicketEvent) => liveTicketSla().handleEvent(event);

/**
 * Ticket events drive each ticket's SLA: created starts its targets, a change
 * of priority, category, tags or channel matches the policy again, replies
 * meet and start response targets, pending customer and on hold pause,
 * resolved stops, reopened resumes. Idempotent: the state keeps the events it applied.
 */
export const handler = eventHandler('sla', Object.fromEntries(slaEventTypes.map((type) => [type, follow])) as EventHandlers);
