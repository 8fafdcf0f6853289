import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { acceptedPage } from '../../shared/db/accepted-page.ts';
import { deleteItems } from '../../shared/db/batch.ts';
import { db } from '../../shared/db/client.ts';
import { isConditionFailed } from '../../shared/db/errors.ts';
import { getItem, getItems, queryPage, queryPages, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { atVersion, isWriteConflict, type Labelled, labelled, put, putNew, remove, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { retry } from '../../shared/retry.ts';
import { companiesApi } from '../companies/api.ts';
import {
  contactEntities,
  contactItem,
  contactKeys,
  deletionItem,
  facetsItem,
  guardItem,
  orderItem,
  searchItem,
  searchTerms,
  type UniqueKind,
  uniques,
} from './items.ts';
import { type OrderFigureChange, withFigures } from './order-figures.ts';
import type { Contact, OrderSummary } from './schemas.ts';
import { type ContactSource, contactSources } from './sources.ts';
import { contactTouched, type Engagement } from './timeline-link.ts';

/** What a failed contact write collided with: a unique field's guard, a missing company, or a change meanwhile. */
export type ContactConflict = UniqueKind | 'COMPANY' | 'VERSION';

export interface ContactPage<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * DynamoDB access of the contacts context. Writes throw `WriteConflict<ContactConflict>`
 * naming what collided (the first failed condition).
 */
export interface ContactRepository {
  get(tenantId: string, id: string, consistent?: boolean): Promise<Contact | undefined>;
  /** Records an engagement outside any other write (an order placed); idempotent, retried on a concurrent change. */
  touch(tenantId: string, contactId: string, kind: Engagement, at: string): Promise<void>;
  /** Keeps an order's summary beside the contact; a redelivered event writes the same item again. */
  recordOrder(tenantId: string, contactId: string, order: OrderSummary): Promise<void>;
  /** The contact's latest orders, newest first. */
  recentOrders(tenantId: string, contactId: string, limit?: number): Promise<OrderSummary[]>;
  /**
   * Moves the contact's lifetimeValue and orderCount by an order event's change, once per `change.key`:
   * the update (at the version read, bumping it) and a marker of the key in one transaction; a repeat finds
   * the marker and changes nothing. No-op when the contact does not exist.
   */
  applyOrderFigures(tenantId: string, contactId: string, change: OrderFigureChange): Promise<void>;
  /** Removes a deleted contact's orders and order markers; safe to repeat. */
  deleteOrders(tenantId: string, contactId: string): Promise<void>;
  hasCompanyMembers(tenantId: string, companyId: string): Promise<boolean>;
  /** The contact holding a unique value (strongly consistent read of its guard). */
  idByUnique(tenantId: string, kind: UniqueKind, value: string): Promise<string | undefined>;
  /** The contact, its guards, search terms and the event at once; `EMAIL`/`PHONE`/`EXT` when a value is taken, `COMPANY` when it names none. */
  create(tenantId: string, c: Contact, event: DomainEvent): Promise<void>;
  /** Replaces `before` with `after` if it is still at `before.version` (else `VERSION`), moving guards and search terms that changed. */
  update(tenantId: string, before: Contact, after: Contact, event: DomainEvent): Promise<void>;
  /** Deletes the contact at `c.version` (else `VERSION`), leaving its deletion record. */
  delete(tenantId: string, c: Contact, event: DomainEvent, at: string): Promise<void>;
  /** Contacts whose last engagement fell on `day` (YYYY-MM-DD), a page at a time. */
  engagedOn(tenantId: string, day: string): AsyncGenerator<Contact[]>;
  /**
   * A page of the contacts a source lists that `accept` takes, `limit` of them
   * unless the listing ends; `filterKey` names the filters, so a cursor resumes
   * only the listing that made it.
   */
  page(
    tenantId: string,
    source: ContactSource,
    accept: (c: Contact) => boolean,
    page: { limit: number; cursor?: string; filterKey: string },
  ): Promise<ContactPage<Contact>>;
  /** Deleted contacts by deletion time, oldest first, from `since` on. */
  deletions(
    tenantId: string,
    since: string | undefined,
    limit: number,
    cursor?: string,
  ): Promise<ContactPage<{ id: string; deletedAt: string }>>;
}

const same = ([a, b]: [string, string], [c, d]: [string, string]) => a === c && b === d;
const minus = <T extends [string, string]>(xs: T[], ys: T[]) => xs.filter((x) => !ys.some((y) => same(x, y)));

type Item = Labelled<ContactConflict>;
const version = (item: Item['item']): Item => labelled('VERSION', item);

const get = async (tenantId: string, id: string, consistent = false): Promise<Contact | undefined> => {
  const item = await getItem(contactKeys.contact(tenantId, id), consistent);
  return item && stripKeys<Contact>(item);
};

const ordersQuery = (tenantId: string, contactId: string) => ({
  KeyConditionExpression: 'PK = :pk AND begins_with(SK, :o)',
  ExpressionAttributeValues: { ':pk': contactKeys.contact(tenantId, contactId).PK, ':o': contactKeys.orderPrefix },
});

export const contactRepository: ContactRepository = {
  get,

  async touch(tenantId, contactId, kind, at) {
    await retry(
      async () => {
        const seen = await get(tenantId, contactId, true);
        if (!seen) return;
        const item = contactTouched(tenantId, seen, kind, at);
        if (item.Update) await db().send(new UpdateCommand(item.Update));
      },
      { attempts: 5, retryOn: isConditionFailed },
    );
  },

  async recordOrder(tenantId, contactId, order) {
    await db().send(new PutCommand({ TableName: tableNameFromEnv(), Item: orderItem(tenantId, contactId, order) }));
  },

  async recentOrders(tenantId, contactId, limit = 5) {
    const out = await db().send(
      new QueryCommand({ TableName: tableNameFromEnv(), ...ordersQuery(tenantId, contactId), ScanIndexForward: false, Limit: limit }),
    );
    return (out.Items ?? []).map((i) => stripKeys<OrderSummary>(i));
  },

  async applyOrderFigures(tenantId, contactId, change) {
    await retry(
      async () => {
        const seen = await get(tenantId, contactId, true);
        if (!seen) return;
        const figures = withFigures(seen, change);
        try {
          await transact<'VERSION' | 'APPLIED'>([
            labelled('VERSION', {
              Update: {
                TableName: tableNameFromEnv(),
                Key: contactKeys.contact(tenantId, contactId),
                UpdateExpression: 'SET lifetimeValue = :ltv, orderCount = :n, #v = #v + :one',
                ConditionExpression: '#v = :seen',
                ExpressionAttributeNames: { '#v': 'version' },
                ExpressionAttributeValues: { ':ltv': figures.lifetimeValue, ':n': figures.orderCount, ':one': 1, ':seen': seen.version },
              },
            }),
            labelled(
              'APPLIED',
              putNew({ ...contactKeys.orderApplied(tenantId, contactId, change.key), entity: contactEntities.orderApplied, ...change }),
            ),
          ]);
        } catch (error) {
          if (isWriteConflict(error) && error.reasons.includes('APPLIED')) return;
          throw error;
        }
      },
      { attempts: 8, retryOn: (error) => isWriteConflict(error, 'VERSION') },
    );
  },

  async deleteOrders(tenantId, contactId) {
    for await (const items of queryPages({ ...ordersQuery(tenantId, contactId), ProjectionExpression: 'PK, SK' }))
      await deleteItems(items as { PK: string; SK: string }[]);
    for await (const items of queryPages({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
      ExpressionAttributeValues: { ':pk': contactKeys.contact(tenantId, contactId).PK, ':m': contactKeys.orderAppliedPrefix },
      ProjectionExpression: 'PK, SK',
    }))
      await deleteItems(items as { PK: string; SK: string }[]);
  },

  /** One key-only query of the company's members, limited to one item. */
  async hasCompanyMembers(tenantId, companyId) {
    const out = await db().send(
      new QueryCommand({
        TableName: tableNameFromEnv(),
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': contactKeys.companyMemberPartition(tenantId, companyId) },
        Limit: 1,
        ProjectionExpression: 'PK',
      }),
    );
    return (out.Items?.length ?? 0) > 0;
  },

  async idByUnique(tenantId, kind, value) {
    return (await getItem(contactKeys.guard(tenantId, kind, value), true))?.contactId as string | undefined;
  },

  async create(tenantId, c, event) {
    await transact<ContactConflict>(
      [
        version(putNew(contactItem(tenantId, c))),
        version(put(facetsItem(tenantId, c))),
        ...uniques(c).map(([kind, value]) => labelled(kind, putNew(guardItem(tenantId, kind, value, c.id)))),
        ...(c.companyId ? [labelled('COMPANY' as const, companiesApi.existsCondition(tenantId, c.companyId))] : []),
        ...searchTerms(c).map((t) => version(put(searchItem(tenantId, t, c.id)))),
      ],
      [event],
    );
  },

  async update(tenantId, before, after, event) {
    const [oldU, newU] = [uniques(before), uniques(after)];
    const [oldS, newS] = [searchTerms(before), searchTerms(after)];
    const owned = 'contactId = :id';
    await transact<ContactConflict>(
      [
        version(put(contactItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version })),
        version(put(facetsItem(tenantId, after))),
        ...minus(oldU, newU).map(([kind, value]) => version(remove(contactKeys.guard(tenantId, kind, value), owned, { ':id': before.id }))),
        ...minus(newU, oldU).map(([kind, value]) => labelled(kind, putNew(guardItem(tenantId, kind, value, after.id)))),
        ...(after.companyId && after.companyId !== before.companyId
          ? [labelled('COMPANY' as const, companiesApi.existsCondition(tenantId, after.companyId))]
          : []),
        ...minus(oldS, newS).map(([field, term]) => version(remove(contactKeys.search(tenantId, field, term, before.id)))),
        ...minus(newS, oldS).map((t) => version(put(searchItem(tenantId, t, after.id)))),
      ],
      [event],
    );
  },

  async delete(tenantId, c, event, at) {
    await transact<ContactConflict>(
      [
        version(remove(contactKeys.contact(tenantId, c.id), ...atVersion(c.version))),
        version(put(deletionItem(tenantId, c.id, at))),
        ...uniques(c).map(([kind, value]) => version(remove(contactKeys.guard(tenantId, kind, value)))),
        ...searchTerms(c).map(([field, term]) => version(remove(contactKeys.search(tenantId, field, term, c.id)))),
      ],
      [event],
    );
  },

  /** One GSI3 query per page, no Scan. */
  async *engagedOn(tenantId, day) {
    for await (const items of queryPages({
      IndexName: 'GSI3',
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': contactKeys.engagementPartition(tenantId, day) },
    }))
      yield items.map((i) => stripKeys<Contact>(i));
  },

  async page(tenantId, source, accept, page) {
    const { query, partition, entries } = contactSources[source.kind](tenantId, source as never);
    const input = { ...query, ScanIndexForward: source.order !== 'desc' };
    const scope = `${partition}|${page.filterKey}`;
    if (!entries)
      return acceptedPage(input, { ...page, scope }, async (items) =>
        items.map((i) => stripKeys<Contact>(i)).map((c) => (accept(c) ? c : undefined)),
      );
    return acceptedPage(input, { ...page, scope }, async (items) => {
      const found = await getItems([...new Set(items.map((i) => i.contactId as string))].map((id) => contactKeys.contact(tenantId, id)));
      const byId = new Map(found.map((i) => [i.id as string, stripKeys<Contact>(i)]));
      return items.map((entry) => {
        const c = byId.get(entry.contactId as string);
        return c && entries(entry, c) && accept(c) ? c : undefined;
      });
    });
  },

  async deletions(tenantId, since, limit, cursor) {
    const partition = contactKeys.deletionPartition(tenantId);
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
