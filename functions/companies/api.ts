import { tableNameFromEnv } from '../../shared/db/table.ts';
import type { TransactItem } from '../../shared/db/transact.ts';
import { companyKeys } from './items.ts';
import { companyRepository } from './repository.ts';
import type { Company } from './schemas.ts';

export type { Company } from './schemas.ts';

/** What other contexts may ask of companies. */
export const companiesApi = {
  get: ({ tenantId, companyId }: { tenantId: string; companyId: string }): Promise<Company | undefined> =>
    companyRepository.get(tenantId, companyId),

  /** A transaction condition for contexts that link something to a company: it must exist. */
  existsCondition: (tenantId: string, companyId: string): TransactItem => ({
    ConditionCheck: {
      TableName: tableNameFromEnv(),
      Key: companyKeys.company(tenantId, companyId),
      ConditionExpression: 'attribute_exists(PK)',
    },
  }),
};
export type CompaniesApi = typeof companiesApi;
