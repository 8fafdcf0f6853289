import { keys } from '../../shared/db/keys.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import type { TransactItem } from '../../shared/db/transact.ts';

/** A transaction condition other contexts use when they link something to a company: it must exist. */
export const companyExistsCondition = (tenantId: string, companyId: string): TransactItem => ({
  ConditionCheck: { TableName: tableNameFromEnv(), Key: keys.company(tenantId, companyId), ConditionExpression: 'attribute_exists(PK)' },
});
