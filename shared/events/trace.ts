import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.ts';

/**
 * What the events a unit of work emits carry about their origin: who acted,
 * the correlation id of the request (or first event) that started the chain,
 * and the id of the event that caused this one.
 */
export interface Trace {
  actor: Actor;
  correlationId: string;
  causationId?: string;
}

const current = new AsyncLocalStorage<Trace>();

/** Runs `work` with `trace`: every domainEvent built inside it carries it. */
export const withTrace = <T>(trace: Trace, work: () => T): T => current.run(trace, work);

export const currentTrace = (): Trace | undefined => current.getStore();

/** Runs `work` acting as `actor` (a context API called for someone), keeping the current correlation and cause. */
export const actingAs = <T>(actor: Actor, work: () => T): T => {
  const trace = currentTrace();
  return withTrace({ correlationId: trace?.correlationId ?? randomUUID(), causationId: trace?.causationId, actor }, work);
};
