import { getItem, listPage, queryPage, stripKeys } from '../../shared/db/query.ts';
import { atVersion, labelled, put, putNew, remove, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { companyItem, companyKeys, domainGuardItem } from './items.ts';
import type { Company } from './schemas.ts';

/** What a failed company write collided with: the domain's guard (`DOMAIN`) or a change meanwhile (`VERSION`). */
export type CompanyConflict = 'DOMAIN' | 'VERSION';

export interface CompanyPage {
  items: Company[];
  nextCursor?: string;
}

/** DynamoDB access of the companies context. Writes throw `WriteConflict<CompanyConflict>`. */
export interface CompanyRepository {
  get(tenantId: string, id: string, consistent?: boolean): Promise<Company | undefined>;
  /** The company a domain belongs to (strongly consistent read of its guard). */
  idByDomain(tenantId: string, domain: string): Promise<string | undefined>;
  create(tenantId: string, c: Company, event: DomainEvent): Promise<void>;
  /** Replaces `before` with `after` if it is still at `before.version`, moving the domain guard when the domain changed. */
  update(tenantId: string, before: Company, after: Company, event: DomainEvent): Promise<void>;
  delete(tenantId: string, c: Company, event: DomainEvent): Promise<void>;
  /** A tenant's companies, oldest first. */
  list(tenantId: string, limit: number, cursor?: string): Promise<CompanyPage>;
  /** Companies whose folded name starts with `prefix`, in name order. */
  searchByName(tenantId: string, prefix: string, limit: number, cursor?: string): Promise<CompanyPage>;
}

export const companyRepository: CompanyRepository = {
  async get(tenantId, id, consistent = false) {
    const item = await getItem(companyKeys.company(tenantId, id), consistent);
    return item && stripKeys<Company>(item);
  },

  async idByDomain(tenantId, domain) {
    return (await getItem(companyKeys.domainGuard(tenantId, domain), true))?.companyId as string | undefined;
  },

  async create(tenantId, c, event) {
    await transact<CompanyConflict>(
      [
        labelled('VERSION', putNew(companyItem(tenantId, c))),
        ...(c.domain ? [labelled('DOMAIN' as const, putNew(domainGuardItem(tenantId, c.domain, c.id)))] : []),
      ],
      [event],
    );
  },

  async update(tenantId, before, after, event) {
    const domainMoved = before.domain !== after.domain;
    await transact<CompanyConflict>(
      [
        labelled('VERSION', put(companyItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version })),
        ...(domainMoved && before.domain ? [labelled('VERSION' as const, remove(companyKeys.domainGuard(tenantId, before.domain)))] : []),
        ...(domainMoved && after.domain ? [labelled('DOMAIN' as const, putNew(domainGuardItem(tenantId, after.domain, after.id)))] : []),
      ],
      [event],
    );
  },

  async delete(tenantId, c, event) {
    await transact<CompanyConflict>(
      [
        labelled('VERSION', remove(companyKeys.company(tenantId, c.id), ...atVersion(c.version))),
        ...(c.domain ? [labelled('VERSION' as const, remove(companyKeys.domainGuard(tenantId, c.domain)))] : []),
      ],
      [event],
    );
  },

  list: (tenantId, limit, cursor) =>
    listPage<Company>({ index: 'GSI1', partition: companyKeys.listPartition(tenantId) }, { limit, cursor }),

  /** One GSI2 query. */
  async searchByName(tenantId, prefix, limit, cursor) {
    const partition = companyKeys.namePartition(tenantId);
    const page = await queryPage(
      {
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': prefix },
      },
      { limit, cursor, scope: `${partition}|${prefix}` },
    );
    return { items: page.items.map((i) => stripKeys<Company>(i)), nextCursor: page.nextCursor };
  },
};
