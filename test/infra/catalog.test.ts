import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { httpContexts, routes } from '../../functions/routes.ts';
import { recurringJobs } from '../../functions/schedules.ts';
import { subscriptions } from '../../functions/subscriptions.ts';
import { messageSendingContexts } from '../../infra/aws/message-sending.ts';
import { dailyAt } from '../../infra/aws/recurring-jobs.ts';
import { locationTarget } from '../../shared/http/location.ts';

const functionsDir = new URL('../../functions/', import.meta.url);
const repoRoot = new URL('../../', import.meta.url);

/** The contexts under functions/ that have the given entry file on disk. */
const contextsWith = (file: string) =>
  readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(new URL(`${entry.name}/${file}`, functionsDir)))
    .map((entry) => entry.name)
    .sort();

const exportsHandler = async (context: string, entry: string) => {
  const module = (await import(`../../functions/${context}/${entry}.ts`)) as { handler?: unknown };
  return typeof module.handler;
};

/** Every .ts source under functions/ and shared/, by path from the repository root. */
const sources = (() => {
  const files = new Map<string, string>();
  for (const dir of ['functions', 'shared']) {
    for (const path of readdirSync(new URL(`${dir}/`, repoRoot), { recursive: true, encoding: 'utf8' })) {
      if (path.endsWith('.ts')) files.set(`${dir}/${path}`, readFileSync(new URL(`${dir}/${path}`, repoRoot), 'utf8'));
    }
  }
  return files;
})();

/** Relative imports of a source file that reach the bundle: static and lazy (`await import(...)`), not type-only; paths from the repository root. */
const importsOf = (path: string) =>
  [...sources.get(path)!.matchAll(/(?<!\b(?:import|export) type [^']*)(?:from |import\()'(\.{1,2}\/[^']+\.ts)'/g)].map((m) =>
    new URL(m[1]!, new URL(path, repoRoot)).pathname.slice(repoRoot.pathname.length),
  );

/** Whether a file imports, directly or through other files, one of the targets. */
const reaches = (path: string, targets: readonly string[], seen = new Set<string>()): boolean => {
  if (targets.includes(path)) return true;
  if (seen.has(path) || !sources.has(path)) return false;
  seen.add(path);
  return importsOf(path).some((next) => reaches(next, targets, seen));
};

/** Each `….schedule({ …, target: '<context>' …` call in functions/: the context calling and the context it targets. */
const scheduleCalls = [...sources]
  .filter(([path]) => path.startsWith('functions/'))
  .flatMap(([path, source]) =>
    [...source.matchAll(/\bschedule\(\{[\s\S]{0,300}?\btarget: '([a-z][a-z0-9-]*)'/g)].map((m) => ({
      from: path.split('/')[1]!,
      target: m[1]!,
    })),
  );

/** The relay consumes the table stream: the one handler no route reaches. */
const streamConsumers = ['relay'];

describe('no handler without a route, no route without a handler', () => {
  it('reaches every functions/*/handler.ts through a route, except the stream relay', () => {
    expect(contextsWith('handler.ts')).toEqual([...httpContexts, ...streamConsumers].sort());
  });

  it('gives every route context a handler.ts that exports a handler function', async () => {
    for (const context of new Set(routes.map((r) => r.context)))
      expect(await exportsHandler(context, 'handler'), `functions/${context}/handler.ts`).toBe('function');
  });
});

describe('no subscriber without a subscription, no subscription without a subscriber', () => {
  it('reaches every functions/*/subscriber.ts through a subscription', () => {
    expect(contextsWith('subscriber.ts')).toEqual([...new Set(subscriptions.map((s) => s.context))].sort());
  });

  it('gives every subscription context a subscriber.ts that exports a handler function', async () => {
    for (const context of new Set(subscriptions.map((s) => s.context)))
      expect(await exportsHandler(context, 'subscriber'), `functions/${context}/subscriber.ts`).toBe('function');
  });

  it('names every subscription uniquely, since each becomes its own bus rule', () => {
    const names = subscriptions.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('no scheduled.ts without a job for it, no job without a scheduled.ts', () => {
  it('finds the scheduling calls it checks', () => {
    expect(scheduleCalls).toContainEqual({ from: 'messaging', target: 'messaging' });
  });

  it('reaches every functions/*/scheduled.ts through a job some context schedules, and targets no context without one', () => {
    expect(contextsWith('scheduled.ts')).toEqual([...new Set(scheduleCalls.map((c) => c.target))].sort());
  });

  it('schedules jobs only from contexts whose functions hold the scheduler grants', () => {
    for (const call of scheduleCalls) expect(messageSendingContexts, `${call.from} schedules ${call.target} jobs`).toContain(call.from);
  });

  it('gives every scheduled.ts a handler function', async () => {
    for (const context of contextsWith('scheduled.ts'))
      expect(await exportsHandler(context, 'scheduled'), `functions/${context}/scheduled.ts`).toBe('function');
  });
});

describe('recurring jobs', () => {
  it('points every job at an entry file that exports a handler function', async () => {
    for (const job of recurringJobs)
      expect(await exportsHandler(job.context, job.entry), `${job.name}: functions/${job.context}/${job.entry}.ts`).toBe('function');
  });

  it('leaves handler, subscriber and scheduled entries to their own wiring', () => {
    for (const job of recurringJobs) expect(['handler', 'subscriber', 'scheduled'], job.name).not.toContain(job.entry);
  });

  it('names every job uniquely and runs it at a valid time of day', () => {
    const names = recurringJobs.map((job) => job.name);
    expect(new Set(names).size).toBe(names.length);
    for (const job of recurringJobs) expect(() => dailyAt(job.dailyAt), job.name).not.toThrow();
  });
});

describe('message-sending contexts', () => {
  const ports = ['shared/ports/messages.ts', 'shared/ports/scheduler.ts'];
  const contexts = readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

  it('lists exactly the contexts with code that reaches the messages or scheduler port', () => {
    const sending = contexts.filter((context) =>
      [...sources.keys()].some((path) => path.startsWith(`functions/${context}/`) && reaches(path, ports)),
    );
    expect([...messageSendingContexts].sort()).toEqual(sending.sort());
  });

  it('has an inbound SMS entry exporting a handler function', async () => {
    expect(await exportsHandler('messaging', 'inbound-sms')).toBe('function');
  });
});

describe('no Location naming a route that does not exist', () => {
  it('declares one on every route that answers 201: a GET route of the catalog whose parameters the response carries', () => {
    const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.path));
    const creating = routes.filter((r) => r.status === 201 || r.location);
    expect(creating.length).toBeGreaterThan(8);
    for (const route of creating) {
      const name = `${route.method} ${route.path}`;
      expect(route.location, name).toBeDefined();
      const { path, params } = locationTarget(route.location!);
      expect(gets.has(path), `${name} → GET ${path}`).toBe(true);
      const fields = Object.keys((route.response as z.ZodObject | undefined)?.shape ?? {});
      for (const { field } of params) expect(fields, `${name}: the response field for its Location`).toContain(field);
    }
  });
});
