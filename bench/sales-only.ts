import { randomBytes } from 'node:crypto';
import { type AttributeValue, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoLocal } from '../infra/local/dynamo.ts';
import { type Runtime, startRuntime } from '../infra/local/runtime.ts';
import { db } from '../shared/db/client.ts';
import { meterDynamo } from './dynamo-meter.ts';
import { type BenchGateway, startBenchGateway } from './gateway.ts';
import { render } from './report.ts';
import { measureSales, salesSection } from './sales.ts';

/**
 * Only the sales figures of `npm run bench` (bench/sales.ts), on a DynamoDB
 * Local and runtime of their own: `npx tsx bench/sales-only.ts`. Prints the
 * section as markdown; BENCH_LEAD_SUBMISSIONS sets the capture run's size.
 */
process.env.RAPPORT_DEV_SECRET ??= randomBytes(32).toString('base64url');
process.env.SIGNING_SECRET ??= randomBytes(32).toString('base64url');
const log = (message: string) => console.error(`[bench] ${message}`);

log('starting DynamoDB Local and the runtime…');
const engine = await startDynamoLocal();
let runtime: Runtime | undefined;
let gateway: BenchGateway | undefined;
try {
  runtime = await startRuntime({ port: 0, inMemory: true, dynamoEndpoint: engine.endpoint, tableName: 'rapport-bench' });
  const meter = meterDynamo(db());
  gateway = await startBenchGateway(process.env.RAPPORT_DEV_SECRET);
  const sideClient = new DynamoDBClient({
    endpoint: engine.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const sizeItems = async (TableName: string, Key: Record<string, AttributeValue>) =>
    (await sideClient.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }))).Item;
  log('sales: lead capture, conversion, forecast reads…');
  const figures = await measureSales({
    gateway,
    token: await runtime.token('bench-sales', ['admin']),
    meter,
    settle: runtime.settle,
    submissions: Number(process.env.BENCH_LEAD_SUBMISSIONS ?? 600),
    sizeItems,
  });
  sideClient.destroy();
  console.log(render([salesSection(figures)]));
} finally {
  await gateway?.close();
  await runtime?.stop();
  await engine.stop();
}
