import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { localDynamoClient } from './create-table.ts';
import { type CheckpointStore, memoryCheckpoint } from './stream-checkpoint.ts';
import { lambdaRecord } from './stream-record.ts';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  /** Called with each batch, like the stream's Lambda event source mapping calls the relay. */
  handler: StreamHandler;
  /** A failed read of the stream, or records the handler kept failing on after the retries. */
  onError: (error: unknown, records: DynamoDBRecord[]) => void;
  /** Where each shard's last relayed record is kept, so a restart resumes after it; in memory by default. */
  checkpoint?: CheckpointStore;
  intervalMs?: number;
}

export interface StreamPoller {
  /** Resolves after a full pass that began after the call found nothing new; gives how many records were handled meanwhile. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

interface ShardState {
  parentId?: string;
  iterator?: string;
  lastSequence?: string;
  done: boolean;
}

const attemptsPerBatch = 3;

/**
 * Reads the table's stream from DynamoDB Local the way Lambda's event source
 * mapping reads it on AWS: shard by shard, parents before children, batches
 * retried from the first failed record. It starts after the checkpoint, or at
 * the oldest record of a shard it has none for, so what was written but not
 * relayed when the last run stopped is relayed now.
 */
export const startStreamPoller = async ({
  endpoint,
  tableName,
  handler,
  onError,
  checkpoint = memoryCheckpoint(),
  intervalMs = 50,
}: StreamPollerOptions): Promise<StreamPoller> => {
  const tables = localDynamoClient(endpoint);
  const { Table } = await tables.send(new DescribeTableCommand({ TableName: tableName }));
  tables.destroy();
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${tableName} has no stream`);
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const shards = new Map<string, ShardState>();

  const listShards = async () => {
    const all: Shard[] = [];
    let ExclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId }));
      all.push(...(StreamDescription?.Shards ?? []));
      ExclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
    return all;
  };

  const iterator = async (ShardId: string, ShardIteratorType: ShardIteratorType, SequenceNumber?: string) =>
    (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId, ShardIteratorType, SequenceNumber }))).ShardIterator;

  const relayed = checkpoint.read();
  const resume = async (shardId: string, state: ShardState) => {
    state.lastSequence = relayed[shardId];
    if (!state.lastSequence) return iterator(shardId, 'TRIM_HORIZON');
    // A checkpoint older than the stream's 24 h retention points at trimmed records: take what is left.
    return iterator(shardId, 'AFTER_SEQUENCE_NUMBER', state.lastSequence).catch(() => iterator(shardId, 'TRIM_HORIZON'));
  };

  const deliver = async (records: DynamoDBRecord[]) => {
    let pending = records;
    for (let attempt = 1; ; attempt++) {
      try {
        const failures = (await handler({ Records: pending }))?.batchItemFailures ?? [];
        if (!failures.length) return;
        const failed = new Set(failures.map((f) => f.itemIdentifier));
        // Like Lambda: retry from the first failed record on; an unknown identifier fails the whole batch.
        pending = pending.slice(
          Math.max(
            0,
            pending.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? '')),
          ),
        );
        if (attempt >= attemptsPerBatch) return onError(new Error('the handler reported batch item failures'), pending);
      } catch (error) {
        if (attempt >= attemptsPerBatch) return onError(error, pending);
      }
    }
  };

  const readShard = async (shardId: string, state: ShardState) => {
    let handled = 0;
    while (state.iterator) {
      let out: GetRecordsCommandOutput;
      try {
        out = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator }));
      } catch (error) {
        if (!(error instanceof ExpiredIteratorException)) throw error;
        state.iterator = state.lastSequence
          ? await iterator(shardId, 'AFTER_SEQUENCE_NUMBER', state.lastSequence)
          : await iterator(shardId, 'TRIM_HORIZON');
        continue;
      }
      const records = out.Records ?? [];
      if (records.length) {
        await deliver(records.map((r) => lambdaRecord(r, streamArn)));
        state.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber;
        relayed[shardId] = state.lastSequence!;
        checkpoint.write(relayed);
        handled += records.length;
      }
      state.iterator = out.NextShardIterator;
      if (!state.iterator) state.done = true;
      if (!records.length) break;
    }
    return handled;
  };

  const pass = async () => {
    for (const shard of await listShards()) {
      if (!shards.has(shard.ShardId!)) shards.set(shard.ShardId!, { parentId: shard.ParentShardId, done: false });
    }
    let handled = 0;
    for (const [shardId, state] of shards) {
      if (state.done) continue;
      const parent = state.parentId ? shards.get(state.parentId) : undefined;
      if (parent && !parent.done) continue;
      state.iterator ??= await resume(shardId, state);
      handled += await readShard(shardId, state);
    }
    return handled;
  };

  let passNumber = 0;
  let stopped = false;
  const waiters: { after: number; handled: number; resolve: (n: number) => void }[] = [];
  const settleWaiters = (finished: number, handled: number) => {
    for (const w of [...waiters]) {
      if (finished <= w.after) continue;
      w.handled += handled;
      if (handled === 0) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(w.handled);
      }
    }
  };

  const loop = (async () => {
    while (!stopped) {
      const current = ++passNumber;
      try {
        settleWaiters(current, await pass());
      } catch (error) {
        // A failed pass proves nothing, so waiters keep waiting.
        if (!stopped) onError(error, []);
      }
      if (!stopped) await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();

  return {
    drain: () => (stopped ? Promise.resolve(0) : new Promise((resolve) => waiters.push({ after: passNumber, handled: 0, resolve }))),
    async stop() {
      stopped = true;
      await loop;
      for (const w of waiters.splice(0)) w.resolve(w.handled);
      streams.destroy();
    },
  };
};
