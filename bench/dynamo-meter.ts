import { AsyncLocalStorage } from 'node:async_hooks';
import type { TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Lookup, transactWriteUnits } from './capacity.ts';

/** DynamoDB requests and capacity units of everything done under one label. */
export interface Usage {
  /** Requests by command: GetItem, Query, TransactWriteItems… */
  requests: Record<string, number>;
  /** Requests that failed, by command and error: "PutItem ConditionalCheckFailedException". */
  failed: Record<string, number>;
  /** Read units as DynamoDB Local reports them (ReturnConsumedCapacity TOTAL: table plus indexes). */
  rcu: number;
  /** Write units as DynamoDB would charge: as reported, except transactions, which are recomputed (see capacity.ts). */
  wcu: number;
  /** Write units as DynamoDB Local reports them. */
  localWcu: number;
  /** Transaction actions whose item size was taken to be 1 KB (Update, Delete, ConditionCheck). */
  assumedActions: number;
  /** Units a failed request costs on AWS but DynamoDB does not report (1 WCU per failed conditional write). */
  unreportedWcu: number;
}

const reads = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems', 'ExecuteStatement']);
const writes = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

const emptyUsage = (): Usage => ({ requests: {}, failed: {}, rcu: 0, wcu: 0, localWcu: 0, assumedActions: 0, unreportedWcu: 0 });

type Capacity = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;
const units = (c: Capacity) => (Array.isArray(c) ? c : c ? [c] : []).reduce((sum, x) => sum + (x.CapacityUnits ?? 0), 0);

const labels = new AsyncLocalStorage<string>();

/** The build-step middleware leaves a transaction's recomputed units on the request's context for the initialize step. */
type TransactContext = { benchTransactUnits?: Awaited<ReturnType<typeof transactWriteUnits>> };

/** Runs `fn` with its DynamoDB calls counted under `label`. */
export const withLabel = <T>(label: string, fn: () => T): T => labels.run(label, fn);

/** Label of calls made outside any withLabel (stream relay, subscribers, set-up). */
export const unlabelled = '(not in a request)';

export interface Meter {
  /** Usage per label so far. */
  usage(label: string): Usage;
  /** Every call of the whole run, whatever its label. */
  total(): Usage;
  /** The last request of a command under a label, as sent on the wire (marshalled), to replay it. */
  lastInput(label: string, command: string): Record<string, unknown> | undefined;
  /**
   * Reads the items a transaction's Update/Delete/ConditionCheck touch before
   * it is sent, to size them exactly; adds a read to those requests' latency,
   * so leave it off while timing.
   */
  sizeExistingItems(lookup: Lookup | undefined): void;
}

/**
 * Counts every request the document client sends, per command, and sums the
 * capacity units DynamoDB reports for it: asks each request for
 * ReturnConsumedCapacity TOTAL (the handlers never read it) and files it
 * under the label of the async context it was sent from. Write units of
 * transactions are recomputed from the items, as DynamoDB Local undercounts them.
 */
export const meterDynamo = (client: DynamoDBDocumentClient): Meter => {
  const byLabel = new Map<string, Usage>();
  const total = emptyUsage();
  const inputs = new Map<string, Record<string, unknown>>();
  let lookup: Lookup | undefined;

  const record = (command: string, apply: (u: Usage) => void) => {
    const label = labels.getStore() ?? unlabelled;
    if (!byLabel.has(label)) byLabel.set(label, emptyUsage());
    for (const usage of [byLabel.get(label)!, total]) {
      usage.requests[command] = (usage.requests[command] ?? 0) + 1;
      apply(usage);
    }
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const input = { ...(args.input as Record<string, unknown>), ReturnConsumedCapacity: 'TOTAL' };
      try {
        const result = await next({ ...args, input });
        const consumed = units((result.output as { ConsumedCapacity?: Capacity }).ConsumedCapacity);
        const recomputed = (context as TransactContext).benchTransactUnits;
        record(command, (u) => {
          if (reads.has(command)) u.rcu += consumed;
          if (writes.has(command)) {
            u.localWcu += consumed;
            u.wcu += recomputed?.units ?? consumed;
            u.assumedActions += recomputed?.assumed ?? 0;
          }
        });
        return result;
      } catch (error) {
        const name = (error as Error).name;
        record(command, (u) => {
          u.failed[`${command} ${name}`] = (u.failed[`${command} ${name}`] ?? 0) + 1;
          if (name === 'ConditionalCheckFailedException') u.unreportedWcu += 1;
        });
        throw error;
      }
    },
    { step: 'initialize', priority: 'high', name: 'benchDynamoMeter' },
  );

  // After serialisation the input is the marshalled one the wire carries, whatever client built it.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const label = labels.getStore() ?? unlabelled;
      const command = (context.commandName ?? '').replace(/Command$/, '');
      inputs.set(`${label}|${command}`, structuredClone(args.input as Record<string, unknown>));
      if (command === 'TransactWriteItems') {
        (context as TransactContext).benchTransactUnits = await transactWriteUnits(args.input as TransactWriteItemsCommandInput, lookup);
      }
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'benchDynamoCapture' },
  );

  return {
    usage: (label) => byLabel.get(label) ?? emptyUsage(),
    total: () => total,
    lastInput: (label, command) => inputs.get(`${label}|${command}`),
    sizeExistingItems: (l) => {
      lookup = l;
    },
  };
};
