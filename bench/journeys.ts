import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ManualClock } from '../infra/local/manual-clock.ts';
import { type Runtime, startRuntime } from '../infra/local/runtime.ts';
import { logger } from '../shared/logger.ts';
import type { Meter } from './dynamo-meter.ts';
import { engineUsageSection, measureEngineUsage } from './engine-usage.ts';
import { measurePipeline, pipelineSection } from './pipeline.ts';
import { num, type Section } from './report.ts';
import { measureSweep, type SweepRun, sweepSection } from './sweep.ts';

/**
 * The journey figures (issue 3): BENCH_PIPELINE_CONTACTS (300) contacts
 * through the welcome pipeline, the engine's DynamoDB requests per
 * enrolment and step, and one win-back sweep per tenant size in
 * BENCH_SWEEP_CONTACTS (comma-separated, "10000,100000"), whose due
 * contacts are enrolled for real up to BENCH_SWEEP_ENROLMENTS (1000) a sweep.
 */
const pipelineContacts = Number(process.env.BENCH_PIPELINE_CONTACTS ?? 300);
const pipelineConcurrency = 8;
const sweepSizes = (process.env.BENCH_SWEEP_CONTACTS ?? '10000,100000').split(',').map(Number);
const maxEnrolments = Number(process.env.BENCH_SWEEP_ENROLMENTS ?? 1000);

interface Context {
  /** The DynamoDB Local the earlier figures used; the journey figures get their own runtime on it, on a manual clock. */
  endpoint: string;
  tableName: string;
  meter: Meter;
  log: (message: string) => void;
}

/** A weekday at 10:00 UTC: outside messaging's quiet hours, hours before the daily sweep's own 06:00 run. */
const start = new Date('2026-03-03T10:00:00Z');

export const measureJourneys = async ({ endpoint, tableName, meter, log }: Context): Promise<Section[]> => {
  const clock = new ManualClock(start);
  const side = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  let rt: Runtime | undefined;
  // The engine logs every run that ends at INFO, on stdout, where the figures go.
  const logLevel = logger.getLevelName();
  logger.setLogLevel('WARN');
  try {
    rt = await startRuntime({ port: 0, inMemory: true, dynamoEndpoint: endpoint, tableName, clock });

    log(`journey pipeline: ${pipelineContacts} contacts at concurrency ${pipelineConcurrency}…`);
    const pipeline = await measurePipeline(rt, pipelineContacts, pipelineConcurrency);

    // Counts matter from here on, not times: size the items transactions update, as the per-route figure does.
    meter.sizeExistingItems(async (TableName, Key) => (await side.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }))).Item);
    log('journey engine: requests per enrolment and step…');
    const engine = await measureEngineUsage(rt, clock, meter);

    const seeder = DynamoDBDocumentClient.from(side, { marshallOptions: { removeUndefinedValues: true } });
    const sweeps: SweepRun[] = [];
    for (const contacts of sweepSizes)
      sweeps.push(await measureSweep({ rt, clock, meter, seeder, tableName, maxEnrolments, log }, contacts));
    const sizes = sweepSizes.map((n) => num(n)).join(', ');

    return [
      pipelineSection(pipeline),
      engineUsageSection(engine),
      sweepSection(sweeps, { maxEnrolments, note: `Tenant sizes ${sizes} (BENCH_SWEEP_CONTACTS).` }),
    ];
  } finally {
    logger.setLogLevel(logLevel);
    meter.sizeExistingItems(undefined);
    await rt?.stop();
    side.destroy();
  }
};
