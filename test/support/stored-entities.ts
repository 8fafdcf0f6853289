import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { entityCatalog } from '../../functions/items.ts';
import { kernelEntities } from '../../shared/db/keys.ts';

const declared = new Set<string>([
  ...Object.values(entityCatalog).flatMap((entities) => Object.values(entities) as string[]),
  ...Object.values(kernelEntities),
]);

/**
 * Entity names found in a test table that no context declares in
 * functions/items.ts: a test file's runtime checks its table when it stops.
 * (A Scan is fine here: it reads one test's own table.)
 */
export const undeclaredEntities = async (endpoint: string, tableName: string): Promise<string[]> => {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  const found = new Set<string>();
  try {
    for await (const page of paginateScan({ client }, { TableName: tableName, ProjectionExpression: 'entity' }))
      for (const item of page.Items ?? []) found.add(String(item.entity));
  } finally {
    client.destroy();
  }
  return [...found].filter((name) => !declared.has(name)).sort();
};
