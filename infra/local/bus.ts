import { randomUUID } from 'node:crypto';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';
import type { Subscription } from '../../functions/subscriptions.ts';
import { matchesPattern } from '../../shared/events/pattern.ts';
import type { Bus } from '../../shared/ports/bus.ts';
import { clock } from '../../shared/ports/clock.ts';
import type { Invoke } from './functions.ts';

/** An event as EventBridge delivers it; detail is always a JSON object. */
export type BusEvent = EventBridgeEvent<string, Record<string, unknown>>;

export interface DeadLetter {
  subscription: string;
  event: BusEvent;
  error: unknown;
}

export interface LocalBusOptions {
  subscriptions: Subscription[];
  invoke: Invoke;
  /** Waits until what feeds the bus (the stream poller) has caught up; gives how many records it handled meanwhile. */
  drainUpstream: () => Promise<number>;
  onError: (error: unknown, deadLetter: DeadLetter) => void;
}

export interface LocalBus extends Bus {
  /** Hears every event published, matched or not; returns the unsubscribe function. */
  onEvent(listener: (event: BusEvent) => void): () => void;
  /** Resolves once everything written so far has been relayed and every delivery it caused has finished. */
  settle(): Promise<void>;
  /** Deliveries that failed every attempt, as EventBridge would send them to the rule's DLQ. */
  readonly deadLetters: DeadLetter[];
}

const attempts = 3;
const subscriberTimeoutMs = 30_000;

/** EventBridge writes times to the second. */
const eventTime = (time: Date | undefined) => (time ?? clock().now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

const toEvent = (entry: PutEventsRequestEntry): BusEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': entry.DetailType ?? '',
  source: entry.Source ?? '',
  account: '000000000000',
  time: eventTime(entry.Time),
  region: process.env.AWS_REGION ?? 'us-east-1',
  resources: entry.Resources ?? [],
  detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
});

/** The embedded runtime's EventBridge: matches each event against the subscription catalog and invokes the subscribers. */
export const createLocalBus = ({ subscriptions, invoke, drainUpstream, onError }: LocalBusOptions): LocalBus => {
  const listeners = new Set<(event: BusEvent) => void>();
  const inFlight = new Set<Promise<void>>();
  const deadLetters: DeadLetter[] = [];
  let finished = 0;

  const deliver = async (subscription: Subscription, event: BusEvent) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await invoke(subscription.context, 'subscriber', event, subscriberTimeoutMs);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          const deadLetter = { subscription: subscription.name, event, error };
          deadLetters.push(deadLetter);
          return onError(error, deadLetter);
        }
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
  };

  const track = (delivery: Promise<void>) => {
    inFlight.add(delivery);
    void delivery.finally(() => {
      inFlight.delete(delivery);
      finished++;
    });
  };

  const idle = async () => {
    while (inFlight.size) await Promise.allSettled([...inFlight]);
  };

  return {
    deadLetters,
    async publish(entries) {
      const failed: number[] = [];
      entries.forEach((entry, i) => {
        let event: BusEvent;
        try {
          event = toEvent(entry);
        } catch {
          failed.push(i); // EventBridge rejects an entry whose Detail is not JSON
          return;
        }
        for (const listener of listeners) listener(event);
        for (const subscription of subscriptions) {
          if (matchesPattern(subscription.pattern, event)) track(deliver(subscription, event));
        }
      });
      return failed;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async settle() {
      for (;;) {
        const before = finished;
        const relayed = await drainUpstream();
        await idle();
        if (relayed === 0 && finished === before) return;
      }
    },
  };
};
