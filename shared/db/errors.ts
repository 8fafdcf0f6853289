import type { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

// By name, not instanceof: importing the exception classes from the client's index keeps its
// aggregated client and waiters in every bundle (about 45 KiB and several ms of import time).
const named = (error: unknown, name: string) => error instanceof Error && error.name === name;

/** A single-item write whose ConditionExpression did not hold. */
export const isConditionFailed = (error: unknown): error is ConditionalCheckFailedException =>
  named(error, 'ConditionalCheckFailedException');

/** A transaction DynamoDB cancelled; `CancellationReasons` says why, item by item. */
export const isTransactionCanceled = (error: unknown): error is TransactionCanceledException =>
  named(error, 'TransactionCanceledException');
