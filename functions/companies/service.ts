import { isWriteConflict } from '../../shared/db/transact.ts';
import { foldText } from '../../shared/domain/normalize.ts';
import { applyPatch, changedFields } from '../../shared/domain/patch.ts';
import { conflict, notFound, preconditionFailed } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { retry } from '../../shared/retry.ts';
import type { ContactsApi } from '../contacts/api.ts';
import type { CompanyConflict, CompanyRepository } from './repository.ts';
import type { companyRoutes } from './routes.ts';
import type { Company, CompanyInput } from './schemas.ts';

const maxWriteAttempts = 3;

const eventData = (c: Company) => ({ companyId: c.id, name: c.name, domain: c.domain });

export const companyService = (repo: CompanyRepository, contacts: Pick<ContactsApi, 'hasCompanyMembers'>) => {
  const domainTaken = async (tenantId: string, domain: string | undefined) =>
    conflict('a company with this domain already exists', {
      existingId: domain && (await repo.idByDomain(tenantId, domain)),
      field: 'domain',
    });

  /** A new company; who created it is on its company.created event (the trace's actor). */
  const create = async (tenantId: string, body: CompanyInput): Promise<Company> => {
    const now = clock().now().toISOString();
    const company: Company = { id: newId(), version: 1, tags: [], attributes: {}, ...body, createdAt: now, updatedAt: now };
    try {
      await repo.create(tenantId, company, domainEvent(tenantId, 'company.created', eventData(company)));
    } catch (error) {
      if (isWriteConflict<CompanyConflict>(error, 'DOMAIN')) throw await domainTaken(tenantId, company.domain);
      throw error;
    }
    return company;
  };

  const service: ServiceFor<typeof companyRoutes, RequestContext> = {
    createCompany: ({ body }, ctx) => create(ctx.tenantId, body),

    async listCompanies({ query }, ctx) {
      const { limit, cursor, q, domain } = query;
      const prefix = q && foldText(q);
      if (domain) {
        const id = await repo.idByDomain(ctx.tenantId, domain);
        const company = id && (await repo.get(ctx.tenantId, id));
        return { items: company && (!prefix || foldText(company.name).startsWith(prefix)) ? [company] : [] };
      }
      return prefix ? repo.searchByName(ctx.tenantId, prefix, limit, cursor) : repo.list(ctx.tenantId, limit, cursor);
    },

    async getCompany({ params }, ctx) {
      const company = await repo.get(ctx.tenantId, params.id);
      if (!company) throw notFound('company');
      return company;
    },

    /** Read-modify-write guarded by the version; without If-Match a lost race is retried on fresh data. */
    updateCompany: ({ params, body, ifMatch }, ctx) =>
      retry(
        async () => {
          const before = await repo.get(ctx.tenantId, params.id, true);
          if (!before) throw notFound('company');
          if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
          const after = applyPatch(before, body, clock().now().toISOString());
          const changed = changedFields(before, after);
          if (!changed.length) return before;
          try {
            await repo.update(ctx.tenantId, before, after, domainEvent(ctx.tenantId, 'company.updated', { ...eventData(after), changed }));
            return after;
          } catch (error) {
            if (isWriteConflict<CompanyConflict>(error, 'DOMAIN')) throw await domainTaken(ctx.tenantId, after.domain);
            if (isWriteConflict(error) && ifMatch !== undefined) throw preconditionFailed();
            throw error;
          }
        },
        { attempts: maxWriteAttempts, retryOn: (error) => isWriteConflict<CompanyConflict>(error, 'VERSION') },
      ),

    async deleteCompany({ params, ifMatch }, ctx) {
      const company = await repo.get(ctx.tenantId, params.id, true);
      if (!company) throw notFound('company');
      if (ifMatch !== undefined && ifMatch !== company.version) throw preconditionFailed();
      if (await contacts.hasCompanyMembers({ tenantId: ctx.tenantId, companyId: company.id }))
        throw conflict('the company still has contacts; move or delete them first');
      try {
        await repo.delete(ctx.tenantId, company, domainEvent(ctx.tenantId, 'company.deleted', { companyId: company.id }));
      } catch (error) {
        if (isWriteConflict(error)) throw preconditionFailed();
        throw error;
      }
      return undefined;
    },
  };
  return { ...service, create };
};
