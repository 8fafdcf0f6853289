import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Runtime, type RuntimeOptions, startRuntime } from '../../infra/local/runtime.ts';
import { undeclaredEntities } from './stored-entities.ts';

export type TestRuntimeOptions = Pick<RuntimeOptions, 'clock'>;

/**
 * The embedded runtime on a free port against the run's shared DynamoDB Local.
 * It gets a table of its own: the relay reads the table's stream, so another
 * test file's writes never reach this file's bus and subscribers.
 */
export const startTestRuntime = async (options: TestRuntimeOptions = {}): Promise<Runtime> => {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `rapport-${randomUUID().slice(0, 8)}`;
  const runtime = await startRuntime({ ...options, port: 0, inMemory: true, dynamoEndpoint: endpoint, tableName });
  return {
    ...runtime,
    /** Stops the runtime after checking that every item the test file wrote has a declared entity name (functions/items.ts). */
    async stop() {
      const undeclared = await undeclaredEntities(endpoint, tableName);
      await runtime.stop();
      if (undeclared.length) throw new Error(`items with entity names no context declares: ${undeclared.join(', ')}`);
    },
  };
};

/** One runtime for the calling test file: started before its tests, stopped after them. */
export const useTestRuntime = (options: TestRuntimeOptions = {}): Runtime => {
  let current: Runtime | undefined;
  beforeAll(async () => {
    current = await startTestRuntime(options);
  });
  afterAll(() => current?.stop());
  const rt = () => {
    if (!current) throw new Error('the test runtime starts in beforeAll; use it inside tests and hooks');
    return current;
  };
  return {
    get url() {
      return rt().url;
    },
    get publicBaseUrl() {
      return rt().publicBaseUrl;
    },
    get bus() {
      return rt().bus;
    },
    get scheduler() {
      return rt().scheduler;
    },
    get clock() {
      return rt().clock;
    },
    get outbox() {
      return rt().outbox;
    },
    token: (...args) => rt().token(...args),
    settle: () => rt().settle(),
    stop: () => rt().stop(),
  };
};
