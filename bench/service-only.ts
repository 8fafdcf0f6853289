import { randomBytes } from 'node:crypto';
import { startDynamoLocal } from '../infra/local/dynamo.ts';
import { type Runtime, startRuntime } from '../infra/local/runtime.ts';
import { db } from '../shared/db/client.ts';
import { meterDynamo } from './dynamo-meter.ts';
import { type BenchGateway, startBenchGateway } from './gateway.ts';
import { render } from './report.ts';
import { measureService } from './service.ts';

/**
 * Only the customer service figures of `npm run bench` (bench/service.ts), on
 * a DynamoDB Local and runtime of their own: `npx tsx bench/service-only.ts`.
 */
process.env.RAPPORT_DEV_SECRET ??= randomBytes(32).toString('base64url');
process.env.SIGNING_SECRET ??= randomBytes(32).toString('base64url');
const log = (m: string) => console.error(`[bench] ${m}`);
const engine = await startDynamoLocal();
let runtime: Runtime | undefined;
let gateway: BenchGateway | undefined;
try {
  runtime = await startRuntime({ port: 0, inMemory: true, dynamoEndpoint: engine.endpoint, tableName: 'rapport-bench' });
  const meter = meterDynamo(db());
  gateway = await startBenchGateway(process.env.RAPPORT_DEV_SECRET);
  console.log(render(await measureService({ runtime, gatewayUrl: gateway.url, meter, log })));
} finally {
  await gateway?.close();
  await runtime?.stop();
  await engine.stop();
}
