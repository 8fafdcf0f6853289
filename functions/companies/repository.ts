import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/db/client.ts';
import { keys } from '../../shared/db/keys.ts';
import { getItem, queryPage, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { atVersion, put, putNew, remove, TransactionConflict, writeWithEvents } from '../../shared/db/transact.ts';
import { foldText } from '../../shared/domain/normalize.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import type { Company } from './schemas.ts';

/** The domain guard collided (`DOMAIN`) or the company changed meanwhile (`VERSION`). */
export class CompanyWriteConflict extends Error {
  constructor(readonly reason: 'DOMAIN' | 'VERSION') {
    super(`company write conflict: ${reason}`);
  }
}

const companyItem = (tenantId: string, c: Company) => ({
  ...keys.company(tenantId, c.id),
  ...keys.companyList(tenantId, c.id),
  ...keys.companyName(tenantId, foldText(c.name), c.id),
  entity: 'COMPANY',
  ...c,
});
const domainGuard = (tenantId: string, domain: string, companyId: string) => ({
  ...keys.unique(tenantId, 'DOMAIN', domain),
  entity: 'UNIQUE',
  companyId,
});

const write = async (items: Parameters<typeof writeWithEvents>[0], reasons: ('DOMAIN' | 'VERSION')[], event: DomainEvent) => {
  try {
    await writeWithEvents(items, [event]);
  } catch (error) {
    if (error instanceof TransactionConflict) throw new CompanyWriteConflict(reasons[error.failed[0]!] ?? 'VERSION');
    throw error;
  }
};

export const companyRepository = {
  async get(tenantId: string, id: string, consistent = false) {
    const item = await getItem(keys.company(tenantId, id), consistent);
    return item && stripKeys<Company>(item);
  },

  async idByDomain(tenantId: string, domain: string) {
    return (await getItem(keys.unique(tenantId, 'DOMAIN', domain), true))?.companyId as string | undefined;
  },

  async create(tenantId: string, c: Company, event: DomainEvent) {
    const guard = c.domain ? [putNew(domainGuard(tenantId, c.domain, c.id))] : [];
    await write([putNew(companyItem(tenantId, c)), ...guard], ['VERSION', 'DOMAIN'], event);
  },

  async update(tenantId: string, before: Company, after: Company, event: DomainEvent) {
    const items = [put(companyItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version })];
    const reasons: ('DOMAIN' | 'VERSION')[] = ['VERSION'];
    if (before.domain !== after.domain) {
      if (before.domain) {
        items.push(remove(keys.unique(tenantId, 'DOMAIN', before.domain)));
        reasons.push('VERSION');
      }
      if (after.domain) {
        items.push(putNew(domainGuard(tenantId, after.domain, after.id)));
        reasons.push('DOMAIN');
      }
    }
    await write(items, reasons, event);
  },

  async delete(tenantId: string, c: Company, event: DomainEvent) {
    const guard = c.domain ? [remove(keys.unique(tenantId, 'DOMAIN', c.domain))] : [];
    await write([remove(keys.company(tenantId, c.id), ...atVersion(c.version)), ...guard], ['VERSION', 'VERSION'], event);
  },

  async list(tenantId: string, limit: number, cursor?: string) {
    const partition = keys.companyListPartition(tenantId);
    const page = await queryPage(
      { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': partition } },
      { limit, cursor, scope: partition },
    );
    return { items: page.items.map((i) => stripKeys<Company>(i)), nextCursor: page.nextCursor };
  },

  /** Companies whose folded name starts with `prefix`, in name order: one GSI2 query. */
  async searchByName(tenantId: string, prefix: string, limit: number, cursor?: string) {
    const partition = keys.companyNamePartition(tenantId);
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
export type CompanyRepository = typeof companyRepository;
