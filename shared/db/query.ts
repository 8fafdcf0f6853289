import { BatchGetCommand, GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { db } from './client.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { type IndexName, table, tableNameFromEnv } from './table.ts';

type Item = Record<string, unknown>;
const keyAttributes = /^(PK|SK|GSI\d+PK|GSI\d+SK|entity|expiresAt)$/;

/** An item without its key and bookkeeping attributes: what the API shows. */
export const stripKeys = <T>(item: Item): T => Object.fromEntries(Object.entries(item).filter(([k]) => !keyAttributes.test(k))) as T;

export const getItem = async (Key: Item, consistent = false): Promise<Item | undefined> =>
  (await db().send(new GetCommand({ TableName: tableNameFromEnv(), Key, ConsistentRead: consistent }))).Item;

/** BatchGet in input order (missing items dropped), retrying unprocessed keys. */
export const getItems = async (keyList: Item[]): Promise<Item[]> => {
  const found = new Map<string, Item>();
  for (let i = 0; i < keyList.length; i += 100) {
    let request: Item[] | undefined = keyList.slice(i, i + 100);
    while (request?.length) {
      const out = await db().send(new BatchGetCommand({ RequestItems: { [tableNameFromEnv()]: { Keys: request } } }));
      for (const item of out.Responses?.[tableNameFromEnv()] ?? []) found.set(`${item.PK}|${item.SK}`, item);
      request = out.UnprocessedKeys?.[tableNameFromEnv()]?.Keys as Item[] | undefined;
    }
  }
  return keyList.flatMap((k): Item[] => {
    const item = found.get(`${k.PK}|${k.SK}`);
    return item ? [item] : [];
  });
};

/**
 * One page of a query. The cursor is signed with `scope` (tenant + partition +
 * filter), so it resumes only this listing.
 */
export const queryPage = async (
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>,
  page: { limit: number; cursor?: string; scope: string },
): Promise<{ items: Item[]; nextCursor?: string }> => {
  const out = await db().send(
    new QueryCommand({
      ...input,
      TableName: tableNameFromEnv(),
      Limit: page.limit,
      ExclusiveStartKey: await decodeCursor(page.cursor, page.scope),
    }),
  );
  return { items: out.Items ?? [], nextCursor: await encodeCursor(out.LastEvaluatedKey, page.scope) };
};

/**
 * One page of an index partition: a tenant's companies, a contact's messages.
 * Oldest first by sort key unless `newestFirst`; the cursor resumes only this partition.
 */
export const listPage = async <T>(
  { index, partition, newestFirst = false }: { index: IndexName; partition: string; newestFirst?: boolean },
  page: { limit: number; cursor?: string },
): Promise<{ items: T[]; nextCursor?: string }> => {
  const out = await queryPage(
    {
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': table.indexes[index].partitionKey },
      ExpressionAttributeValues: { ':pk': partition },
      ScanIndexForward: !newestFirst,
    },
    { ...page, scope: partition },
  );
  return { items: out.items.map((i) => stripKeys<T>(i)), nextCursor: out.nextCursor };
};

/** Every page of a query, one at a time, for sweeps and cascades that must see all of it. */
export async function* queryPages(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): AsyncGenerator<Item[]> {
  let ExclusiveStartKey: Item | undefined;
  do {
    const out = await db().send(new QueryCommand({ ...input, TableName: tableNameFromEnv(), ExclusiveStartKey }));
    yield out.Items ?? [];
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** One page of a listing, as every list route answers it. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
/** What a list route asks for: a page size and the cursor of the page before. */
export interface PageRequest {
  limit: number;
  cursor?: string;
}
