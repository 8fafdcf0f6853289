import { tenantKey } from '../../shared/db/tenant.ts';
import { foldText } from '../../shared/domain/normalize.ts';
import type { Company } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const companyEntities = { company: 'COMPANY', domainGuard: 'COMPANY_DOMAIN' } as const;

export const companyKeys = {
  /** A company: GetItem by id. */
  company: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#CO#${id}`, SK: 'CO' }),
  /** GSI1: a tenant's companies, oldest first. */
  list: (tenantId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#CO`, GSI1SK: id }),
  listPartition: (tenantId: string) => `${tenantKey(tenantId)}#CO`,
  /** GSI2: companies by folded name, for name-prefix search. */
  name: (tenantId: string, foldedName: string, id: string) => ({ GSI2PK: `${tenantKey(tenantId)}#CO#NAME`, GSI2SK: `${foldedName}#${id}` }),
  namePartition: (tenantId: string) => `${tenantKey(tenantId)}#CO#NAME`,
  /** Guard naming the company a domain belongs to, written in the company's transaction. */
  domainGuard: (tenantId: string, domain: string) => ({ PK: `${tenantKey(tenantId)}#U#DOMAIN#${domain}`, SK: 'U' }),
} as const;

export const companyItem = (tenantId: string, c: Company) => ({
  ...companyKeys.company(tenantId, c.id),
  ...companyKeys.list(tenantId, c.id),
  ...companyKeys.name(tenantId, foldText(c.name), c.id),
  entity: companyEntities.company,
  ...c,
});

export const domainGuardItem = (tenantId: string, domain: string, companyId: string) => ({
  ...companyKeys.domainGuard(tenantId, domain),
  entity: companyEntities.domainGuard,
  companyId,
});
