import { tableNameFromEnv } from '../../shared/db/table.ts';
import type { TransactItem } from '../../shared/db/transact.ts';
import type { Actor } from '../../shared/domain/actor.ts';
import { actingAs } from '../../shared/events/trace.ts';
import { contactsApi } from '../contacts/api.ts';
import { companyKeys } from './items.ts';
import { companyRepository } from './repository.ts';
import type { Company, CompanyInput } from './schemas.ts';
import { companyService } from './service.ts';

export type { Company, CompanyInput } from './schemas.ts';

/** What other contexts may ask of companies. */
export const companiesApi = {
  get: ({ tenantId, companyId }: { tenantId: string; companyId: string }): Promise<Company | undefined> =>
    companyRepository.get(tenantId, companyId),

  /** The company a normalised domain belongs to, if any (a consistent read of its guard, then a GetItem). */
  async findByDomain({ tenantId, domain }: { tenantId: string; domain: string }): Promise<Company | undefined> {
    const companyId = await companyRepository.idByDomain(tenantId, domain);
    return companyId ? companyRepository.get(tenantId, companyId) : undefined;
  },

  /** Creates a company as `actor` (lead conversion): the rules of POST /companies and company.created; 409 when its domain is taken. */
  async create({ tenantId, input, actor }: { tenantId: string; input: CompanyInput; actor: Actor }): Promise<Company> {
    return actingAs(actor, () => companyService(companyRepository, contactsApi).create(tenantId, input));
  },

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
