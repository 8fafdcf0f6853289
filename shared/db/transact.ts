import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../events/catalog.ts';
import { outboxItem } from '../events/outbox.ts';
import { retry } from '../retry.ts';
import { db } from './client.ts';
import { isTransactionCanceled } from './errors.ts';
import { tableNameFromEnv } from './table.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const put = (
  Item: Record<string, unknown>,
  ConditionExpression?: string,
  names?: Record<string, string>,
  values?: Record<string, unknown>,
): TransactItem => ({
  Put: { TableName: tableNameFromEnv(), Item, ConditionExpression, ExpressionAttributeNames: names, ExpressionAttributeValues: values },
});
export const putNew = (Item: Record<string, unknown>): TransactItem => put(Item, 'attribute_not_exists(PK)');
export const remove = (
  Key: Record<string, unknown>,
  ConditionExpression?: string,
  values?: Record<string, unknown>,
  names?: Record<string, string>,
): TransactItem => ({
  Delete: { TableName: tableNameFromEnv(), Key, ConditionExpression, ExpressionAttributeValues: values, ExpressionAttributeNames: names },
});
/** Condition that the stored item is still at `version` (optimistic locking). */
export const atVersion = (version: number) => ['#v = :v', { ':v': version }, { '#v': 'version' }] as const;

/** A transaction item with the reason its condition stands for (`VERSION`, `EMAIL`, `EXISTS`…). */
export interface Labelled<Reason extends string> {
  reason: Reason;
  item: TransactItem;
}
export const labelled = <Reason extends string>(reason: Reason, item: TransactItem): Labelled<Reason> => ({ reason, item });

/** A condition of a transaction failed: `reason` is the label of the first failed item, `reasons` of all of them. */
export class WriteConflict<Reason extends string = string> extends Error {
  override readonly name = 'WriteConflict';
  constructor(
    readonly reason: Reason,
    readonly reasons: Reason[],
    options?: { cause?: unknown },
  ) {
    super(`write conflict: ${reasons.join(', ')}`, options);
  }
}

/** True when `error` is a WriteConflict, and (when reasons are given) for one of them. */
export const isWriteConflict = <Reason extends string>(error: unknown, ...reasons: Reason[]): error is WriteConflict<Reason> =>
  error instanceof WriteConflict && (reasons.length === 0 || reasons.includes(error.reason as Reason));

/**
 * Writes a change and the domain events it causes in one DynamoDB transaction:
 * either both are stored or neither is, so no event is lost or invented. A
 * failed condition throws WriteConflict with the failed items' labels; a
 * concurrent transaction on the same items is retried, and its conditions
 * decide the outcome.
 */
export const transact = async <Reason extends string>(items: Labelled<Reason>[], events: DomainEvent[] = []): Promise<void> => {
  const TransactItems = [...items.map((l) => l.item), ...events.map((e) => put(outboxItem(e)))];
  await retry(
    async () => {
      try {
        await db().send(new TransactWriteCommand({ TransactItems }));
      } catch (error) {
        const failed = isTransactionCanceled(error)
          ? (error.CancellationReasons ?? []).flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' && items[i] ? [items[i].reason] : []))
          : [];
        if (failed.length) throw new WriteConflict(failed[0]!, failed, { cause: error });
        throw error;
      }
    },
    { retryOn: (error) => isTransactionCanceled(error) && !!error.CancellationReasons?.some((r) => r.Code === 'TransactionConflict') },
  );
};
