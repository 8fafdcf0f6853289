import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../events/catalog.ts';
import { outboxItem } from '../events/outbox.ts';
import { db } from './client.ts';
import { tableNameFromEnv } from './table.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Thrown when a condition in the transaction failed; `failed` holds the indexes of the items whose condition failed. */
export class TransactionConflict extends Error {
  constructor(readonly failed: number[]) {
    super(`transaction condition failed at items ${failed.join(', ')}`);
  }
}

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

/**
 * Writes a change and the domain events it causes in one DynamoDB transaction:
 * either both are stored or neither is, so no event is lost or invented.
 */
export const writeWithEvents = async (items: TransactItem[], events: DomainEvent[]) => {
  const TransactItems = [...items, ...events.map((e) => put(outboxItem(e)))];
  for (let attempt = 1; ; attempt++) {
    try {
      await db().send(new TransactWriteCommand({ TransactItems }));
      return;
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw error;
      if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) {
        throw new TransactionConflict(reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : [])));
      }
      // A concurrent transaction on the same items: retry, and its conditions decide the outcome.
      if (!reasons.some((r) => r.Code === 'TransactionConflict') || attempt >= maxAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
};

const maxAttempts = 5;
