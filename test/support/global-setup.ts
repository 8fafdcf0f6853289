import type { TestProject } from 'vitest/node';
import { ensureTable } from '../../infra/local/create-table.ts';
import { type DynamoLocal, startDynamoLocal } from '../../infra/local/dynamo.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The one DynamoDB Local every test file of this run talks to. */
    dynamoEndpoint: string;
    /** Its shared table; unique tenants keep tests apart. */
    tableName: string;
  }
}

const tableName = 'rapport-test';

interface SharedEngine {
  engine: Promise<DynamoLocal>;
  lanes: number;
}

// Vitest loads a project's global setup in that project's own module runner, so module state is not shared
// between lanes; the main process's globalThis is, and it holds the run's one engine.
const run = globalThis as typeof globalThis & { rapportTestDynamo?: SharedEngine };

const startEngine = async () => {
  const engine = await startDynamoLocal();
  await ensureTable(engine.endpoint, tableName);
  return engine;
};

/**
 * One in-memory DynamoDB Local per `vitest run` for all the lanes that list this file, started only when one
 * of them has tests to run, and stopped when the last of them is torn down.
 */
export default async function setup(project: TestProject) {
  const shared = (run.rapportTestDynamo ??= { engine: startEngine(), lanes: 0 });
  shared.lanes++;
  const engine = await shared.engine;
  project.provide('dynamoEndpoint', engine.endpoint);
  project.provide('tableName', tableName);
  return async () => {
    if (--shared.lanes > 0) return;
    delete run.rapportTestDynamo;
    await engine.stop();
  };
}
