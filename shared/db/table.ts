import { config } from '../config.ts';

/**
 * The single table: its key schema, indexes, TTL and stream. CDK builds the
 * AWS table from this and the embedded runtime creates DynamoDB Local's table
 * from it, so the two cannot drift.
 */
export const table = {
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'expiresAt',
  /** Generic overloaded indexes; docs/data-model.md lists what each serves. */
  indexes: {
    GSI1: { partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    GSI2: { partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    GSI3: { partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
  },
} as const;

export type IndexName = keyof typeof table.indexes;

/** TABLE_NAME, read on use (shared/config.ts). */
export const tableNameFromEnv = (): string => config.TABLE_NAME;
