import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { db } from './client.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { tableNameFromEnv } from './table.ts';

type Item = Record<string, unknown>;
type Input = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>;

/** The key attributes DynamoDB resumes a query after: the table's and, on an index, the index's. */
const keyOf = (item: Item, index?: string): Item => {
  const names = ['PK', 'SK', ...(index ? [`${index}PK`, `${index}SK`] : [])];
  return Object.fromEntries(names.map((n) => [n, item[n]]));
};

/** Rounds one page may take; a page still short after them carries a cursor, so a walk goes on where it stopped. */
const maxRounds = 10;

/**
 * A page of up to `limit` accepted results of a query whose items are not all
 * results: index entries naming another item, several entries of one item, or
 * items a further filter refuses. `resolve` turns the items one query read into
 * results (undefined = not one). The first read asks for `limit` items, so a
 * listing that takes every item costs one query as before; later reads ask for
 * more than they need. Queries again until the page is full or the query
 * ends; a page that fills mid-read ends at the last item it took, so the signed
 * cursor resumes right after it and no item is skipped or given twice.
 */
export const acceptedPage = async <T>(
  input: Input,
  page: { limit: number; cursor?: string; scope: string },
  resolve: (items: Item[]) => Promise<(T | undefined)[]>,
): Promise<{ items: T[]; nextCursor?: string }> => {
  const results: T[] = [];
  let start = await decodeCursor(page.cursor, page.scope);
  for (let round = 0; round < maxRounds; round++) {
    const need = page.limit - results.length;
    const out = await db().send(
      new QueryCommand({
        ...input,
        TableName: tableNameFromEnv(),
        ExclusiveStartKey: start,
        Limit: round === 0 ? need : Math.min(100, Math.max(2 * need, 10)),
      }),
    );
    const read = out.Items ?? [];
    const resolved = await resolve(read);
    for (const [i, result] of resolved.entries()) {
      if (result === undefined) continue;
      results.push(result);
      if (results.length === page.limit) {
        const last = i === read.length - 1;
        return {
          items: results,
          nextCursor: await encodeCursor(last ? out.LastEvaluatedKey : keyOf(read[i]!, input.IndexName), page.scope),
        };
      }
    }
    start = out.LastEvaluatedKey;
    if (!start) break;
  }
  return { items: results, nextCursor: await encodeCursor(start, page.scope) };
};
