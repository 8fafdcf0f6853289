import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
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
