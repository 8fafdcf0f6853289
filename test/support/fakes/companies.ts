import type { CompanyConflict, CompanyRepository } from '../../../functions/companies/repository.ts';
import type { Company } from '../../../functions/companies/schemas.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import { foldText } from '../../../shared/domain/normalize.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';

const fail = (reasons: CompanyConflict[]) => {
  if (reasons.length) throw new WriteConflict(reasons[0]!, reasons);
};

/** CompanyRepository in memory, with the DynamoDB one's conditions: a taken domain fails with `DOMAIN`, a changed version with `VERSION`. */
export const memoryCompanies = () => {
  const companies = new Map<string, Company>();
  const domains = new Map<string, string>();
  const events: DomainEvent[] = [];
  const key = (tenantId: string, id: string) => `${tenantId}|${id}`;
  const ofTenant = (tenantId: string) => [...companies.entries()].filter(([k]) => k.startsWith(`${tenantId}|`)).map(([, c]) => c);
  const domainTaken = (tenantId: string, c: Company) => {
    const holder = c.domain && domains.get(key(tenantId, c.domain));
    return holder && holder !== c.id ? (['DOMAIN'] as const) : [];
  };

  const repo: CompanyRepository = {
    get: async (tenantId, id) => structuredClone(companies.get(key(tenantId, id))),
    idByDomain: async (tenantId, domain) => domains.get(key(tenantId, domain)),
    async create(tenantId, c, event) {
      fail([...(companies.has(key(tenantId, c.id)) ? (['VERSION'] as const) : []), ...domainTaken(tenantId, c)]);
      companies.set(key(tenantId, c.id), structuredClone(c));
      if (c.domain) domains.set(key(tenantId, c.domain), c.id);
      events.push(event);
    },
    async update(tenantId, before, after, event) {
      fail([
        ...(companies.get(key(tenantId, before.id))?.version !== before.version ? (['VERSION'] as const) : []),
        ...domainTaken(tenantId, after),
      ]);
      if (before.domain) domains.delete(key(tenantId, before.domain));
      if (after.domain) domains.set(key(tenantId, after.domain), after.id);
      companies.set(key(tenantId, after.id), structuredClone(after));
      events.push(event);
    },
    async delete(tenantId, c, event) {
      fail(companies.get(key(tenantId, c.id))?.version !== c.version ? ['VERSION'] : []);
      companies.delete(key(tenantId, c.id));
      if (c.domain) domains.delete(key(tenantId, c.domain));
      events.push(event);
    },
    list: async (tenantId, limit) => ({ items: ofTenant(tenantId).slice(0, limit) }),
    searchByName: async (tenantId, prefix, limit) => ({
      items: ofTenant(tenantId)
        .filter((c) => foldText(c.name).startsWith(prefix))
        .slice(0, limit),
    }),
  };
  return { repo, companies, events };
};
