import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoLocal } from '../infra/local/dynamo.ts';
import { type Runtime, startRuntime } from '../infra/local/runtime.ts';
import { db } from '../shared/db/client.ts';
import { bundleSection, measureBundles } from './bundles.ts';
import type { Lookup } from './capacity.ts';
import { contractSection, recordExchanges } from './contract.ts';
import { costSection } from './cost.ts';
import { meterDynamo } from './dynamo-meter.ts';
import { measureRouteUsage, routeUsageSection } from './dynamo-usage.ts';
import { type BenchGateway, startBenchGateway } from './gateway.ts';
import { measureJourneys } from './journeys.ts';
import { functionSettings } from './lambda-config.ts';
import { mib, num, render, type Section, table } from './report.ts';
import { measureSales, salesSection } from './sales.ts';
import { measureService } from './service.ts';
import { measureThroughput, throughputSection } from './throughput.ts';

/**
 * `npm run bench`: prints the figures as markdown and writes them to
 * bench/results.md. Measures, never asserts. BENCH_IMPORT_RUNS,
 * BENCH_REQUESTS and BENCH_LEAD_SUBMISSIONS shrink a run while working on the
 * bench itself; `npx tsx bench/sales-only.ts` and `npx tsx bench/service-only.ts`
 * run the sales and the customer service figures alone.
 */
const importRuns = Number(process.env.BENCH_IMPORT_RUNS ?? 15);
const loadRequests = Number(process.env.BENCH_REQUESTS ?? 2000);
/** The load at 16 in flight, then one at a time: the overhead of gateway and handler without queueing, and the duration Lambda bills. */
const levels = [
  { total: loadRequests, concurrency: 16 },
  { total: Math.ceil(loadRequests / 4), concurrency: 1 },
];

const log = (message: string) => console.error(`[bench] ${message}`);

const rssOf = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
  } catch {
    return Number.NaN;
  }
};

const memorySection = (javaPid: number): Section => {
  const m = process.memoryUsage();
  return {
    title: 'Memory after the load',
    body: `${table(
      ['process', 'RSS', 'heap used', 'heap total', 'external + array buffers'],
      [
        [
          'bench process: gateway, handlers, relay, local bus (node)',
          mib(m.rss),
          mib(m.heapUsed),
          mib(m.heapTotal),
          mib(m.external + m.arrayBuffers),
        ],
        ['DynamoDB Local (java, in memory)', mib(rssOf(javaPid)), '', '', ''],
      ],
      [1, 2, 3, 4],
    )}

- Read with process.memoryUsage() and /proc/<pid>/status right after the throughput run, before shutdown, no forced GC. The load generator runs in its own process and is not included.`,
  };
};

const started = Date.now();
// Dev secrets from the environment: nothing is written to .rapport/, and the bench gateway checks the runtime's tokens.
process.env.RAPPORT_DEV_SECRET ??= randomBytes(32).toString('base64url');
process.env.SIGNING_SECRET ??= randomBytes(32).toString('base64url');

const lambda = functionSettings();
log(`bundling each function twice and importing each bundle in ${importRuns} fresh node processes…`);
const bundles = await measureBundles(importRuns, lambda.nodeOptions);

log('starting DynamoDB Local and the runtime…');
const engine = await startDynamoLocal();
let runtime: Runtime | undefined;
let gateway: BenchGateway | undefined;
const sections: Section[] = [bundleSection(bundles, importRuns, lambda.nodeOptions)];
try {
  runtime = await startRuntime({ port: 0, inMemory: true, dynamoEndpoint: engine.endpoint, tableName: 'rapport-bench' });
  const meter = meterDynamo(db());
  gateway = await startBenchGateway(process.env.RAPPORT_DEV_SECRET);
  const settle = runtime.settle;

  log('DynamoDB requests per route…');
  const sideClient = new DynamoDBClient({
    endpoint: engine.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const sizeItems: Lookup = async (TableName, Key) =>
    (await sideClient.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }))).Item;
  meter.sizeExistingItems(sizeItems);
  const recording = recordExchanges();
  const usage = await measureRouteUsage({ url: gateway.url, token: await runtime.token('bench-usage', ['admin']), meter, settle });
  const contract = recording.stop();
  meter.sizeExistingItems(undefined);

  log(
    `throughput: ${levels.map((l) => `${l.total} requests at concurrency ${l.concurrency}`).join(', then ')}, through the gateway and direct…`,
  );
  const throughput = await measureThroughput({ gateway, token: await runtime.token('bench-load', ['sales']), meter, settle, levels });
  const memory = memorySection(engine.pid);

  log('sales: lead capture through the public form route, conversion and forecast reads…');
  const sales = await measureSales({
    gateway,
    token: await runtime.token('bench-sales', ['admin']),
    meter,
    settle,
    submissions: Number(process.env.BENCH_LEAD_SUBMISSIONS ?? 600),
    sizeItems,
  });
  sideClient.destroy();

  const service = await measureService({ runtime, gatewayUrl: gateway.url, meter, log });

  sections.push(
    routeUsageSection(usage, meter.total().requests.Scan ?? 0),
    contractSection(contract),
    throughputSection(throughput),
    costSection(throughput, { memoryMb: lambda.memoryMb, memorySource: 'as infra/aws/context-function.ts configures every function' }),
    memory,
    salesSection(sales),
    ...service,
  );

  // The journey figures run on a runtime of their own, on a manual clock, against the same DynamoDB Local.
  await gateway.close();
  gateway = undefined;
  await runtime.stop();
  runtime = undefined;
  sections.push(...(await measureJourneys({ endpoint: engine.endpoint, tableName: 'rapport-bench', meter, log })));
} finally {
  log('stopping…');
  await gateway?.close();
  await runtime?.stop();
  await engine.stop();
}

const header = `# Rapport bench results

\`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · node ${process.version} · ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'} · took ${num((Date.now() - started) / 1000)} s. Figures from one run on a shared machine: compare within a run, not across machines.
`;
const markdown = `${header}\n${render(sections)}`;
console.log(markdown);
writeFileSync(fileURLToPath(new URL('./results.md', import.meta.url)), markdown);
log('written to bench/results.md');
