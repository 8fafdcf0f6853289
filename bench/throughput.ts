import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  GetItemCommand,
  type GetItemCommandInput,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { ulid } from 'ulidx';
import { db } from '../shared/db/client.ts';
import { type Meter, type Usage, withLabel } from './dynamo-meter.ts';
import { type BenchGateway, labelHeader } from './gateway.ts';
import type { LoadOutcome, LoadSpec } from './load-client.ts';
import { runPool } from './pool.ts';
import { mean, num, percentile, type Section, table } from './report.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

export interface ThroughputRow {
  label: string;
  path: 'gateway' | 'direct';
  what: string;
  total: number;
  concurrency: number;
  rps: number;
  p50: number;
  p95: number;
  /** In-process handler duration (gateway rows). */
  handler?: { p50: number; p95: number; mean: number; meanBilledMs: number };
  /** DynamoDB usage per request, averaged over the run. */
  perRequest: { requests: number; rcu: number; wcu: number };
}

/** A number of requests sent with so many in flight. */
export interface Level {
  total: number;
  concurrency: number;
}

interface Context {
  gateway: BenchGateway;
  token: string;
  meter: Meter;
  settle: () => Promise<void>;
  levels: Level[];
}

const warmup = 50;

/** The load generator in its own node process (tsx for the TypeScript). */
export const runLoadClient = (spec: LoadSpec): Promise<LoadOutcome> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./load-client.ts', import.meta.url)), JSON.stringify(spec)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as LoadOutcome) : reject(new Error(`load client failed (exit ${code}):\n${err}`)),
    );
  });

const perRequest = (usage: Usage, count: number) => ({
  requests: Object.values(usage.requests).reduce((a, b) => a + b, 0) / count,
  rcu: usage.rcu / count,
  wcu: usage.wcu / count,
});

const contactBody = (email: string) =>
  JSON.stringify({ firstName: 'Load', lastName: 'Tester', email, tags: ['bench'], lifecycleStage: 'lead' });

/**
 * Create and get contact through the local gateway (load from another
 * process over loopback), then the same DynamoDB requests sent directly with
 * the document client: the TransactWriteItems a create sent and the GetItem a
 * get sent, replayed with fresh ids.
 */
export const measureThroughput = async (ctx: Context): Promise<ThroughputRow[]> => {
  const { gateway, token, meter } = ctx;
  const headers = (label: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', [labelHeader]: label });
  const rows: ThroughputRow[] = [];

  const viaGateway = async (
    { total, concurrency }: Level,
    label: string,
    what: string,
    spec: Omit<LoadSpec, 'headers' | 'total' | 'concurrency' | 'warmup'>,
  ) => {
    await ctx.settle();
    const outcome = await runLoadClient({ ...spec, headers: headers(label), total, concurrency, warmup });
    if (Object.keys(outcome.unexpected).length) throw new Error(`${what}: unexpected statuses ${JSON.stringify(outcome.unexpected)}`);
    const durations = gateway.durations(label);
    const measured = durations.slice(-total);
    rows.push({
      label,
      path: 'gateway',
      what,
      total,
      concurrency,
      rps: total / (outcome.wallMs / 1000),
      p50: percentile(outcome.latencies, 50),
      p95: percentile(outcome.latencies, 95),
      handler: {
        p50: percentile(measured, 50),
        p95: percentile(measured, 95),
        mean: mean(measured),
        meanBilledMs: mean(measured.map(Math.ceil)),
      },
      perRequest: perRequest(meter.usage(label), durations.length),
    });
  };

  const direct = async ({ total, concurrency }: Level, label: string, what: string, send: (i: number) => Promise<unknown>) => {
    await ctx.settle();
    await withLabel(`${label} (warm-up)`, () => runPool(warmup, concurrency, (i) => send(total + i).then(() => undefined)));
    const outcome = await withLabel(label, () => runPool(total, concurrency, (i) => send(i).then(() => undefined)));
    rows.push({
      label,
      path: 'direct',
      what,
      total,
      concurrency,
      rps: total / (outcome.wallMs / 1000),
      p50: percentile(outcome.latencies, 50),
      p95: percentile(outcome.latencies, 95),
      perRequest: perRequest(meter.usage(label), total),
    });
  };

  // One create and one get through the gateway give the exact requests to replay directly.
  const sampleEmail = 'load-sample@example.com';
  const created = await fetch(`${gateway.url}/contacts`, {
    method: 'POST',
    headers: headers('sample create'),
    body: contactBody(sampleEmail),
  });
  const sample = (await created.json()) as { id: string };
  if (created.status !== 201) throw new Error(`sample create answered ${created.status}: ${JSON.stringify(sample)}`);
  const got = await fetch(`${gateway.url}/contacts/${sample.id}`, { headers: headers('sample get') });
  if (got.status !== 200) throw new Error(`sample get answered ${got.status}`);
  const transact = meter.lastInput('sample create', 'TransactWriteItems');
  const getItem = meter.lastInput('sample get', 'GetItem');
  if (!transact || !getItem) throw new Error('the sample create/get sent no TransactWriteItems/GetItem');
  const transactJson = JSON.stringify(transact);
  const eventId = /#O#([0-9A-HJKMNP-TV-Z]{26})/.exec(transactJson)?.[1];
  if (!eventId) throw new Error('no outbox item in the create transaction');

  const items = (transact.TransactItems as unknown[]).length;
  let replayed = 0;
  for (const level of ctx.levels) {
    const at = `c${level.concurrency}`; // labels travel in a header: ASCII only
    await viaGateway(level, `create contact ${at}`, 'create contact (`POST /contacts`)', {
      url: `${gateway.url}/contacts`,
      method: 'POST',
      body: contactBody(`load-${level.concurrency}-{i}@example.com`),
      expectedStatus: 201,
    });
    await direct(level, `TransactWriteItems ${at}`, `TransactWriteItems, the ${items} items of a create`, () => {
      const i = replayed++;
      const input = transactJson
        .replaceAll(sample.id, ulid())
        .replaceAll(eventId, ulid())
        .replaceAll(sampleEmail, `direct-${i}@example.com`);
      return db().send(new TransactWriteItemsCommand(JSON.parse(input) as TransactWriteItemsCommandInput));
    });
    await viaGateway(level, `get contact ${at}`, 'get contact (`GET /contacts/{id}`)', {
      url: `${gateway.url}/contacts/${sample.id}`,
      method: 'GET',
      expectedStatus: 200,
    });
    await direct(level, `GetItem ${at}`, 'GetItem of the same contact', () =>
      db().send(new GetItemCommand(getItem as unknown as GetItemCommandInput)),
    );
  }
  return rows;
};

const signed = (ms: number) => `${ms >= 0 ? '+' : '−'}${num(Math.abs(ms), 2)} ms`;

export const throughputSection = (rows: ThroughputRow[]): Section => {
  const body = rows.map((r) => [
    r.what,
    r.path === 'gateway' ? 'HTTP → gateway → handler → DynamoDB' : 'document client → DynamoDB',
    num(r.total),
    num(r.concurrency),
    num(r.rps),
    num(r.p50, 2),
    num(r.p95, 2),
    r.handler ? num(r.handler.p50, 2) : '',
    r.handler ? num(r.handler.p95, 2) : '',
    num(r.perRequest.requests, 2),
  ]);
  // Rows come in pairs: a gateway run, then the direct run of the same DynamoDB request at the same concurrency.
  const overhead = rows.flatMap((gw, i) => {
    const dr = rows[i + 1];
    if (gw.path !== 'gateway' || dr?.path !== 'direct') return [];
    return [
      `${gw.what} at concurrency ${gw.concurrency}: p50 ${signed(gw.p50 - dr.p50)} over the direct call (${num(gw.p50 / dr.p50, 2)}×), ${num(gw.rps)} vs ${num(dr.rps)} req/s`,
    ];
  });
  return {
    title: 'Requests per second: local gateway vs direct DynamoDB calls',
    body: `${table(['request', 'path', 'requests', 'concurrency', 'req/s', 'p50 ms', 'p95 ms', 'handler p50 ms', 'handler p95 ms', 'DynamoDB requests each'], body, [2, 3, 4, 5, 6, 7, 8, 9])}

Gateway + handler overhead (gateway round trip minus the direct DynamoDB call):
${overhead.map((o) => `- ${o}`).join('\n')}

- Gateway rows: a separate node process sends the requests over loopback (127.0.0.1) with fetch, after ${warmup} unmeasured warm-up requests; latency is its round trip. Handler time is measured in-process around the Lambda handler call; at concurrency above 1 the handlers share one event loop, so it includes waiting for each other (on Lambda each instance serves one request at a time).
- Direct rows: the DynamoDB request the handler sent, captured on the wire and replayed with fresh ids, through the same document client from the bench process.
- DynamoDB Local (Java, in memory) runs on the same CPUs, as do the stream relay and local bus, which keep relaying the creates' events in the background. DynamoDB Local gets no faster at transactions with more in flight (compare TransactWriteItems req/s at concurrency 1 and 16): concurrent creates queue inside it, so at concurrency 16 the create rows measure DynamoDB Local more than the API.`,
  };
};
