import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureTable, localDynamoClient } from '../../infra/local/create-table.ts';
import { fileCheckpoint } from '../../infra/local/stream-checkpoint.ts';
import { startStreamPoller } from '../../infra/local/stream-poller.ts';

const endpoint = inject('dynamoEndpoint');
const dir = mkdtempSync(join(tmpdir(), 'rapport-checkpoint-'));
const client = localDynamoClient(endpoint);
afterAll(() => {
  client.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const write = (tableName: string, id: string) =>
  client.send(new PutItemCommand({ TableName: tableName, Item: { PK: { S: `T#${id}` }, SK: { S: id } } }));

/** One run of the relay: reads the stream until nothing is new, then stops, keeping the ids it saw. */
const relayOnce = async (tableName: string, checkpointFile: string) => {
  const seen: string[] = [];
  const poller = await startStreamPoller({
    endpoint,
    tableName,
    checkpoint: fileCheckpoint(checkpointFile),
    handler: async ({ Records }) => void seen.push(...Records.map((r: DynamoDBRecord) => r.dynamodb!.Keys!.SK!.S!)),
    onError: (error) => {
      throw error;
    },
  });
  await poller.drain();
  await poller.stop();
  return seen;
};

describe('the stream relay across restarts', () => {
  it('relays, once, what was written while it was not running, and nothing it had relayed before', async () => {
    const tableName = `checkpoint-${randomUUID().slice(0, 8)}`;
    await ensureTable(endpoint, tableName);
    const checkpointFile = join(dir, `${tableName}.json`);

    await write(tableName, 'before-first-start'); // the first run starts at the oldest record
    await write(tableName, 'relayed');
    expect(await relayOnce(tableName, checkpointFile)).toEqual(['before-first-start', 'relayed']);

    await write(tableName, 'written-while-down');
    expect(await relayOnce(tableName, checkpointFile)).toEqual(['written-while-down']);
    expect(await relayOnce(tableName, checkpointFile)).toEqual([]);
  });
});
