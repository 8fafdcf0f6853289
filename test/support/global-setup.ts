import type { TestProject } from 'vitest/node';
import { ensureTable } from '../../infra/local/create-table.ts';
import { startDynamoLocal } from '../../infra/local/dynamo.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The one DynamoDB Local every test file of this run talks to. */
    dynamoEndpoint: string;
    /** Its shared table; unique tenants keep tests apart. */
    tableName: string;
  }
}

const tableName = 'rapport-test';

/** One in-memory DynamoDB Local per `vitest run`, stopped when the run ends. */
export default async function setup(project: TestProject) {
  const engine = await startDynamoLocal();
  await ensureTable(engine.endpoint, tableName);
  project.provide('dynamoEndpoint', engine.endpoint);
  project.provide('tableName', tableName);
  return () => engine.stop();
}
