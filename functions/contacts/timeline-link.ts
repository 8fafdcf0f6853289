import { keys } from '../../shared/db/keys.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import type { TransactItem } from '../../shared/db/transact.ts';

/**
 * Transaction item for contexts that add to a contact's timeline: the contact
 * must exist, and its lastActivityAt moves forward (never back) to `at`.
 */
export const contactTouched = (tenantId: string, contactId: string, at: string): TransactItem => ({
  Update: {
    TableName: tableNameFromEnv(),
    Key: keys.contact(tenantId, contactId),
    UpdateExpression: 'SET lastActivityAt = :at',
    ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(lastActivityAt) OR lastActivityAt < :at)',
    ExpressionAttributeValues: { ':at': at },
  },
});

export const contactExists = (tenantId: string, contactId: string): TransactItem => ({
  ConditionCheck: { TableName: tableNameFromEnv(), Key: keys.contact(tenantId, contactId), ConditionExpression: 'attribute_exists(PK)' },
});
