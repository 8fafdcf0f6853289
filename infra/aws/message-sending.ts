import type { ContextFunction } from './context-function.ts';

/**
 * The contexts whose functions may send messages. Contexts call each other
 * in-process, not through the API: journeys' functions call messaging's
 * sendMessage and surveys' sendSurvey; surveys, quotes, tickets, portal and SLA
 * escalations call sendMessage, and sending
 * defers a message past quiet hours with the scheduler. Which entry reaches a
 * send is not known from the outside, so every function of these contexts
 * (HTTP, subscriber, scheduled, recurring, inbound) can send email and SMS and
 * schedule jobs, and no other function can. Knowledge is here for its timers
 * (a search session's deflection count).
 */
export const messageSendingContexts: readonly string[] = [
  'messaging',
  'journeys',
  'surveys',
  'quotes',
  'tickets',
  'knowledge',
  'portal',
  'sla',
];

/** A part of sending a message (email, SMS, the scheduler) a function can be given: environment and permissions. */
export interface MessagingCapability {
  grantTo(fn: ContextFunction): void;
}

export const sendsMessages = (fn: Pick<ContextFunction, 'context'>) => messageSendingContexts.includes(fn.context);

/** Gives every capability to each function of a message-sending context. */
export const grantMessageSending = (functions: Iterable<ContextFunction>, capabilities: readonly MessagingCapability[]) => {
  for (const fn of functions) if (sendsMessages(fn)) for (const capability of capabilities) capability.grantTo(fn);
};
