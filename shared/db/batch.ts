import { BatchWriteCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { db } from './client.ts';
import { tableNameFromEnv } from './table.ts';

/** Deletes items by key, 25 per BatchWriteItem, retrying unprocessed ones with backoff. */
export const deleteItems = async (keyList: { PK: string; SK: string }[]) => {
  for (let i = 0; i < keyList.length; i += 25) {
    let requests = keyList.slice(i, i + 25).map(({ PK, SK }) => ({ DeleteRequest: { Key: { PK, SK } } }));
    for (let attempt = 0; requests.length; attempt++) {
      if (attempt) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      const out = await db().send(new BatchWriteCommand({ RequestItems: { [tableNameFromEnv()]: requests } }));
      requests = (out.UnprocessedItems?.[tableNameFromEnv()] ?? []) as typeof requests;
    }
  }
};

type ItemKey = { PK: string; SK: string };

/**
 * Deletes every item a query finds, with the items each one names (its
 * guards), a page at a time: a cascade after a delete. Safe to repeat.
 */
export const deleteQueried = async (
  query: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  alsoDelete: (item: Record<string, unknown>) => ItemKey[] = () => [],
) => {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({ ...query, TableName: tableNameFromEnv(), ExclusiveStartKey }));
    await deleteItems((page.Items ?? []).flatMap((item) => [{ PK: String(item.PK), SK: String(item.SK) }, ...alsoDelete(item)]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
};
