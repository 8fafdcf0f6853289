import { AsyncLocalStorage } from 'node:async_hooks';
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
