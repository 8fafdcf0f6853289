import { type PoolResult, runPool } from './pool.ts';

/**
 * The HTTP load generator, run in a process of its own so it does not share
 * the event loop it measures. Reads a LoadSpec as JSON from argv[2] and prints
 * a LoadOutcome as JSON.
 */
export interface LoadSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** Body with `{i}` standing for the request number, so each create is a new contact. */
  body?: string;
  /** When given, `{i}` is the request number modulo this: that many distinct bodies, the rest repeats. */
  distinct?: number;
  total: number;
  concurrency: number;
  /** Requests sent (and not measured) before the run. */
  warmup: number;
  expectedStatus: number;
}

export interface LoadOutcome extends PoolResult {
  unexpected: Record<string, number>;
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const unexpected: Record<string, number> = {};

const request = async (i: number) => {
  const res = await fetch(spec.url, {
    method: spec.method,
    headers: spec.headers,
    body: spec.body?.replaceAll('{i}', String(spec.distinct ? i % spec.distinct : i)),
  });
  await res.arrayBuffer();
  if (res.status !== spec.expectedStatus) unexpected[res.status] = (unexpected[res.status] ?? 0) + 1;
};

await runPool(spec.warmup, spec.concurrency, (i) => request(spec.total + i));
const outcome: LoadOutcome = { ...(await runPool(spec.total, spec.concurrency, request)), unexpected };
process.stdout.write(JSON.stringify(outcome));
