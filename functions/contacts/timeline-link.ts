import { tableNameFromEnv } from '../../shared/db/table.ts';
import type { TransactItem } from '../../shared/db/transact.ts';
import { contactKeys } from './items.ts';
import type { Contact } from './schemas.ts';

export type Engagement = 'activity' | 'order';
const field: Record<Engagement, 'lastActivityAt' | 'lastOrderAt'> = { activity: 'lastActivityAt', order: 'lastOrderAt' };

/**
 * Transaction item for contexts that record something the contact did: moves
 * lastActivityAt / lastOrderAt and lastEngagedAt (with its GSI3 day bucket)
 * forward, never back. It is conditioned on the version the caller read and
 * bumps it, so a concurrent PATCH cannot overwrite it with stale values; on a
 * conflict the caller re-reads and retries.
 */
export const contactTouched = (tenantId: string, seen: Contact, kind: Engagement, at: string): TransactItem => {
  const sets = ['#v = #v + :one'];
  const values: Record<string, unknown> = { ':one': 1, ':seen': seen.version };
  if (!seen[field[kind]] || seen[field[kind]]! < at) {
    sets.push(`${field[kind]} = :at`);
    values[':at'] = at;
  }
  if (seen.lastEngagedAt < at) {
    const { GSI3PK, GSI3SK } = contactKeys.engagement(tenantId, seen.id, at);
    sets.push('lastEngagedAt = :at', 'GSI3PK = :gpk', 'GSI3SK = :gsk');
    Object.assign(values, { ':at': at, ':gpk': GSI3PK, ':gsk': GSI3SK });
  }
  if (sets.length === 1) return contactExists(tenantId, seen.id);
  return {
    Update: {
      TableName: tableNameFromEnv(),
      Key: contactKeys.contact(tenantId, seen.id),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: '#v = :seen',
      ExpressionAttributeNames: { '#v': 'version' },
      ExpressionAttributeValues: values,
    },
  };
};

export const contactExists = (tenantId: string, contactId: string): TransactItem => ({
  ConditionCheck: {
    TableName: tableNameFromEnv(),
    Key: contactKeys.contact(tenantId, contactId),
    ConditionExpression: 'attribute_exists(PK)',
  },
});
