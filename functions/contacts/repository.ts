import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { acceptedPage } from '../../shared/db/accepted-page.ts';
import { deleteItems } from '../../shared/db/batch.ts';
import { db } from '../../shared/db/client.ts';
import { contactDeletionDays, keys, type SearchField, type UniqueKind } from '../../shared/db/keys.ts';
import { getItem, getItems, queryPage, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { atVersion, put, putNew, remove, type TransactItem, TransactionConflict, writeWithEvents } from '../../shared/db/transact.ts';
import { nameTerms } from '../../shared/domain/normalize.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { companyExistsCondition } from '../companies/membership.ts';
import type { Contact, OrderSummary } from './schemas.ts';
import { type ContactSource, contactSources } from './sources.ts';
import { contactTouched, type Engagement } from './timeline-link.ts';

/** What a failed contact write collided with. */
export type ContactConflict = UniqueKind | 'COMPANY' | 'VERSION' | 'MISSING';
export class ContactWriteConflict extends Error {
  constructor(readonly reason: ContactConflict) {
    super(`contact write conflict: ${reason}`);
  }
}

const uniques = (c: Contact): [UniqueKind, string][] => [
  ...(c.email ? [['EMAIL', c.email] as [UniqueKind, string]] : []),
  ...(c.phone ? [['PHONE', c.phone] as [UniqueKind, string]] : []),
  ...(c.externalId ? [['EXT', c.externalId] as [UniqueKind, string]] : []),
];

const searchTerms = (c: Contact): [SearchField, string][] => [
  ...nameTerms(c.firstName, c.lastName).map((t): [SearchField, string] => ['N', t]),
  ...c.tags.map((t): [SearchField, string] => ['G', t]),
];

const contactItem = (tenantId: string, c: Contact) => ({
  ...keys.contact(tenantId, c.id),
  ...keys.contactList(tenantId, c.id),
  ...(c.companyId ? keys.companyMember(tenantId, c.companyId, c.id) : {}),
  ...keys.engagement(tenantId, c.id, c.lastEngagedAt),
  entity: 'CONTACT',
  ...c,
});

const facetsItem = (tenantId: string, c: Contact) => ({
  ...keys.contactFacets(tenantId, c.id),
  ...(c.ownerId ? keys.contactByOwner(tenantId, c.ownerId, c.id) : {}),
  ...keys.contactByStage(tenantId, c.lifecycleStage, c.id),
  ...keys.contactUpdate(tenantId, c.updatedAt, c.id),
  entity: 'CONTACT_FACETS',
  contactId: c.id,
});

const deletionItem = (tenantId: string, contactId: string, deletedAt: string) => ({
  ...keys.contactFacets(tenantId, contactId),
  ...keys.contactDeletion(tenantId, deletedAt, contactId),
  entity: 'CONTACT_DELETION',
  contactId,
  deletedAt,
  expiresAt: Math.floor(Date.parse(deletedAt) / 1000) + contactDeletionDays * 86_400,
});

const same = ([a, b]: [string, string], [c, d]: [string, string]) => a === c && b === d;
const minus = <T extends [string, string]>(xs: T[], ys: T[]) => xs.filter((x) => !ys.some((y) => same(x, y)));

type Labeled = { reason: ContactConflict; item: TransactItem };

/** Runs a labeled transaction; a failed condition becomes a ContactWriteConflict naming what collided. */
const write = async (labeled: Labeled[], event: DomainEvent) => {
  try {
    await writeWithEvents(
      labeled.map((l) => l.item),
      [event],
    );
  } catch (error) {
    if (error instanceof TransactionConflict) throw new ContactWriteConflict(labeled[error.failed[0]!]?.reason ?? 'VERSION');
    throw error;
  }
};

const guardItem = (tenantId: string, kind: UniqueKind, value: string, contactId: string) => ({
  ...keys.unique(tenantId, kind, value),
  entity: 'UNIQUE',
  contactId,
});
const searchItem = (tenantId: string, [field, term]: [SearchField, string], contactId: string) => ({
  ...keys.search(tenantId, field, term, contactId),
  entity: 'SEARCH',
  contactId,
});

export const contactRepository = {
  async get(tenantId: string, id: string, consistent = false): Promise<Contact | undefined> {
    const item = await getItem(keys.contact(tenantId, id), consistent);
    return item && stripKeys<Contact>(item);
  },

  /** Records an engagement outside any other write (an order placed); idempotent, retried on a concurrent change. */
  async touch(tenantId: string, contactId: string, kind: Engagement, at: string) {
    for (let attempt = 1; ; attempt++) {
      const seen = await this.get(tenantId, contactId, true);
      if (!seen) return;
      const item = contactTouched(tenantId, seen, kind, at);
      if (!item.Update) return;
      try {
        await db().send(new UpdateCommand(item.Update));
        return;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException' || attempt >= 5) throw error;
      }
    }
  },

  /** Keeps an order's summary beside the contact; a redelivered event writes the same item again. */
  async recordOrder(tenantId: string, contactId: string, order: OrderSummary) {
    await db().send(
      new PutCommand({
        TableName: tableNameFromEnv(),
        Item: { ...keys.order(tenantId, contactId, order.placedAt, order.orderId), entity: 'ORDER', ...order },
      }),
    );
  },

  /** The contact's latest orders, newest first: one Query. */
  async recentOrders(tenantId: string, contactId: string, limit = 5): Promise<OrderSummary[]> {
    const out = await db().send(
      new QueryCommand({
        TableName: tableNameFromEnv(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :o)',
        ExpressionAttributeValues: { ':pk': keys.contact(tenantId, contactId).PK, ':o': keys.orderPrefix },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => stripKeys<OrderSummary>(i));
  },

  /** Removes a deleted contact's orders; safe to repeat. */
  async deleteOrders(tenantId: string, contactId: string) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db().send(
        new QueryCommand({
          TableName: tableNameFromEnv(),
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :o)',
          ExpressionAttributeValues: { ':pk': keys.contact(tenantId, contactId).PK, ':o': keys.orderPrefix },
          ProjectionExpression: 'PK, SK',
          ExclusiveStartKey,
        }),
      );
      await deleteItems((page.Items ?? []) as { PK: string; SK: string }[]);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  },

  /** One key-only query of the company's members, limited to one item. */
  async hasCompanyMembers(tenantId: string, companyId: string) {
    const out = await db().send(
      new QueryCommand({
        TableName: tableNameFromEnv(),
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.companyMemberPartition(tenantId, companyId) },
        Limit: 1,
        ProjectionExpression: 'PK',
      }),
    );
    return (out.Items?.length ?? 0) > 0;
  },

  async idByUnique(tenantId: string, kind: UniqueKind, value: string): Promise<string | undefined> {
    return (await getItem(keys.unique(tenantId, kind, value), true))?.contactId as string | undefined;
  },

  /** One transaction: the contact, its uniqueness guards, search terms, company check and the event. */
  async create(tenantId: string, c: Contact, event: DomainEvent) {
    await write(
      [
        { reason: 'VERSION', item: putNew(contactItem(tenantId, c)) },
        { reason: 'VERSION', item: put(facetsItem(tenantId, c)) },
        ...uniques(c).map(([kind, value]) => ({ reason: kind, item: putNew(guardItem(tenantId, kind, value, c.id)) })),
        ...(c.companyId ? [{ reason: 'COMPANY' as const, item: companyExistsCondition(tenantId, c.companyId) }] : []),
        ...searchTerms(c).map((t) => ({ reason: 'VERSION' as const, item: put(searchItem(tenantId, t, c.id)) })),
      ],
      event,
    );
  },

  /** Replaces `before` with `after` if nobody changed it meanwhile, moving guards and search terms that changed. */
  async update(tenantId: string, before: Contact, after: Contact, event: DomainEvent) {
    const [oldU, newU] = [uniques(before), uniques(after)];
    const [oldS, newS] = [searchTerms(before), searchTerms(after)];
    const owned = 'contactId = :id';
    await write(
      [
        { reason: 'VERSION', item: put(contactItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version }) },
        { reason: 'VERSION', item: put(facetsItem(tenantId, after)) },
        ...minus(oldU, newU).map(([kind, value]) => ({
          reason: 'VERSION' as const,
          item: remove(keys.unique(tenantId, kind, value), owned, { ':id': before.id }),
        })),
        ...minus(newU, oldU).map(([kind, value]) => ({ reason: kind, item: putNew(guardItem(tenantId, kind, value, after.id)) })),
        ...(after.companyId && after.companyId !== before.companyId
          ? [{ reason: 'COMPANY' as const, item: companyExistsCondition(tenantId, after.companyId) }]
          : []),
        ...minus(oldS, newS).map(([field, term]) => ({
          reason: 'VERSION' as const,
          item: remove(keys.search(tenantId, field, term, before.id)),
        })),
        ...minus(newS, oldS).map((t) => ({ reason: 'VERSION' as const, item: put(searchItem(tenantId, t, after.id)) })),
      ],
      event,
    );
  },

  async delete(tenantId: string, c: Contact, event: DomainEvent, at: string) {
    await write(
      [
        { reason: 'VERSION', item: remove(keys.contact(tenantId, c.id), ...atVersion(c.version)) },
        { reason: 'VERSION', item: put(deletionItem(tenantId, c.id, at)) },
        ...uniques(c).map(([kind, value]) => ({ reason: 'VERSION' as const, item: remove(keys.unique(tenantId, kind, value)) })),
        ...searchTerms(c).map(([field, term]) => ({ reason: 'VERSION' as const, item: remove(keys.search(tenantId, field, term, c.id)) })),
      ],
      event,
    );
  },

  /** Contacts whose last engagement fell on `day` (YYYY-MM-DD), a page at a time: one GSI3 query per page, no Scan. */
  async *engagedOn(tenantId: string, day: string): AsyncGenerator<Contact[]> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db().send(
        new QueryCommand({
          TableName: tableNameFromEnv(),
          IndexName: 'GSI3',
          KeyConditionExpression: 'GSI3PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.engagementPartition(tenantId, day) },
          ExclusiveStartKey,
        }),
      );
      yield (page.Items ?? []).map((i) => stripKeys<Contact>(i));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  },

  /**
   * A page of the contacts a source lists that `accept` takes, `limit` of them
   * unless the listing ends; `filterKey` names the filters, so a cursor resumes
   * only the listing that made it.
   */
  async page(
    tenantId: string,
    source: ContactSource,
    accept: (c: Contact) => boolean,
    page: { limit: number; cursor?: string; filterKey: string },
  ) {
    const { query, partition, entries } = contactSources[source.kind](tenantId, source as never);
    const input = { ...query, ScanIndexForward: source.order !== 'desc' };
    const scope = `${partition}|${page.filterKey}`;
    if (!entries)
      return acceptedPage(input, { ...page, scope }, async (items) =>
        items.map((i) => stripKeys<Contact>(i)).map((c) => (accept(c) ? c : undefined)),
      );
    return acceptedPage(input, { ...page, scope }, async (items) => {
      const found = await getItems([...new Set(items.map((i) => i.contactId as string))].map((id) => keys.contact(tenantId, id)));
      const byId = new Map(found.map((i) => [i.id as string, stripKeys<Contact>(i)]));
      return items.map((entry) => {
        const c = byId.get(entry.contactId as string);
        return c && entries(entry, c) && accept(c) ? c : undefined;
      });
    });
  },

  /** Deleted contacts by deletion time, oldest first, from `since` on. */
  async deletions(tenantId: string, since: string | undefined, limit: number, cursor?: string) {
    const partition = keys.contactDeletionPartition(tenantId);
    const page = await queryPage(
      since
        ? {
            IndexName: 'GSI3',
            KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK >= :since',
            ExpressionAttributeValues: { ':pk': partition, ':since': since },
          }
        : { IndexName: 'GSI3', KeyConditionExpression: 'GSI3PK = :pk', ExpressionAttributeValues: { ':pk': partition } },
      { limit, cursor, scope: `${partition}|${since ?? ''}` },
    );
    return { items: page.items.map((i) => ({ id: i.contactId as string, deletedAt: i.deletedAt as string })), nextCursor: page.nextCursor };
  },
};
export type ContactRepository = typeof contactRepository;
