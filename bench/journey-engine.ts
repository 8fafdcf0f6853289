import { randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoLocal } from '../infra/local/dynamo.ts';
import { ManualClock } from '../infra/local/manual-clock.ts';
import { type Runtime, startRuntime } from '../infra/local/runtime.ts';
import { db } from '../shared/db/client.ts';
import { logger } from '../shared/logger.ts';
import { meterDynamo } from './dynamo-meter.ts';
import { engineUsageSection, measureEngineUsage } from './engine-usage.ts';
import { render } from './report.ts';

/**
 * `npx tsx bench/journey-engine.ts`: only the journey engine's requests per
 * enrolment and step (a section of `npm run bench`), in under a minute.
 */
process.env.RAPPORT_DEV_SECRET ??= randomBytes(32).toString('base64url');
process.env.SIGNING_SECRET ??= randomBytes(32).toString('base64url');
const tableName = 'rapport-bench';
const engine = await startDynamoLocal();
const side = new DynamoDBClient({
  endpoint: engine.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
let rt: Runtime | undefined;
try {
  const clock = new ManualClock(new Date('2026-03-03T10:00:00Z'));
  logger.setLogLevel('WARN');
  rt = await startRuntime({ port: 0, inMemory: true, dynamoEndpoint: engine.endpoint, tableName, clock });
  const meter = meterDynamo(db());
  meter.sizeExistingItems(async (TableName, Key) => (await side.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }))).Item);
  console.log(render([engineUsageSection(await measureEngineUsage(rt, clock, meter))]));
} finally {
  await rt?.stop();
  side.destroy();
  await engine.stop();
}
