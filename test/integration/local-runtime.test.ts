import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localDynamoClient } from '../../infra/local/create-table.ts';
import { startDynamoLocal } from '../../infra/local/dynamo.ts';
import { startRuntime } from '../../infra/local/runtime.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rapport-runtime-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const javaChildren = () => {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), 'java'], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
};

describe('the runtime npm start runs', () => {
  it('starts its own DynamoDB Local, serves the catalog, and leaves no Java process or open port after stop()', async () => {
    const runtime = await startRuntime({ port: 0, dataDir, inMemory: true });
    expect(javaChildren()).not.toBe('');
    const health = await fetch(`${runtime.url}/health`);
    expect(health.status).toBe(200);

    await runtime.stop();
    expect(javaChildren()).toBe('');
    await expect(fetch(`${runtime.url}/health`)).rejects.toThrow();
  });
});

const write = async (endpoint: string, id: string) => {
  const client = localDynamoClient(endpoint);
  await client.send(new PutItemCommand({ TableName: process.env.TABLE_NAME, Item: { PK: { S: `TEST#${id}` }, SK: { S: id } } }));
  client.destroy();
};

describe('a persistent runtime restarted', () => {
  it('relays the events written but not relayed before it stopped', async () => {
    const persistentDir = mkdtempSync(join(tmpdir(), 'rapport-restart-'));
    const checkpoint = () => readFileSync(join(persistentDir, 'stream-checkpoint.json'), 'utf8');
    try {
      const first = await startRuntime({ port: 0, dataDir: persistentDir, publicBaseUrl: 'http://192.168.1.20:3000/' });
      expect(process.env.PUBLIC_BASE_URL).toBe('http://192.168.1.20:3000'); // what emailed links are built from
      await write(process.env.DYNAMODB_ENDPOINT!, 'relayed');
      await first.settle();
      await first.stop();
      const relayedBeforeStop = checkpoint();

      // As if the runtime had crashed between the write and its relay.
      const engine = await startDynamoLocal({ dataDir: join(persistentDir, 'dynamodb') });
      await write(engine.endpoint, 'written-while-down');
      await engine.stop();

      const second = await startRuntime({ port: 0, dataDir: persistentDir });
      await second.settle();
      await second.stop();
      expect(checkpoint()).not.toBe(relayedBeforeStop);
    } finally {
      rmSync(persistentDir, { recursive: true, force: true });
    }
  }, 180_000); // three DynamoDB Local starts
});
