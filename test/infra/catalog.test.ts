import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { httpContexts, routes } from '../../functions/routes.ts';
import { subscriptions } from '../../functions/subscriptions.ts';

/** The contexts under functions/ that have the given entry file on disk. */
const contextsWith = (file: string) =>
  readdirSync(new URL('../../functions/', import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(new URL(`../../functions/${entry.name}/${file}`, import.meta.url)))
    .map((entry) => entry.name)
    .sort();

/** The relay consumes the table stream: the one handler no route reaches. */
const streamConsumers = ['relay'];

describe('no handler without a route, no route without a handler', () => {
  it('reaches every functions/*/handler.ts through a route, except the stream relay', () => {
    expect(contextsWith('handler.ts')).toEqual([...httpContexts, ...streamConsumers].sort());
  });

  it('gives every route context a handler.ts that exports a handler function', async () => {
    for (const context of new Set(routes.map((r) => r.context))) {
      const module = (await import(`../../functions/${context}/handler.ts`)) as { handler?: unknown };
      expect(typeof module.handler, `functions/${context}/handler.ts`).toBe('function');
    }
  });
});

describe('no subscriber without a subscription, no subscription without a subscriber', () => {
  it('reaches every functions/*/subscriber.ts through a subscription', () => {
    expect(contextsWith('subscriber.ts')).toEqual([...new Set(subscriptions.map((s) => s.context))].sort());
  });

  it('gives every subscription context a subscriber.ts that exports a handler function', async () => {
    for (const context of new Set(subscriptions.map((s) => s.context))) {
      const module = (await import(`../../functions/${context}/subscriber.ts`)) as { handler?: unknown };
      expect(typeof module.handler, `functions/${context}/subscriber.ts`).toBe('function');
    }
  });

  it('names every subscription uniquely, since each becomes its own bus rule', () => {
    const names = subscriptions.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
