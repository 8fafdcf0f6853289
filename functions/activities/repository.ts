import { deleteQueried } from '../../shared/db/batch.ts';
import { getItem, listPage, queryPage, stripKeys } from '../../shared/db/query.ts';
import { labelled, putNew, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { companiesApi } from '../companies/api.ts';
import { type Contact, contactsApi } from '../contacts/api.ts';
import { activityEntities, activityItem, activityKeys } from './items.ts';
import type { Activity } from './schemas.ts';

/**
 * What a failed timeline write collided with: the entry exists already (`EXISTS`, a recorded dedupe key), the company
 * it names does not (`COMPANY`), or the contact is gone or changed meanwhile (`CONTACT`).
 */
export type ActivityConflict = 'EXISTS' | 'COMPANY' | 'CONTACT';

export interface ActivityPage {
  items: Activity[];
  nextCursor?: string;
}

/** DynamoDB access of the timeline. Writes throw `WriteConflict<ActivityConflict>`. */
export interface ActivityRepository {
  /**
   * One transaction: the timeline entry, the contact's engagement times (only forward) when it `engaged`, else a check
   * the contact exists, the company check when the entry names another company than the contact's, and the event.
   */
  log(
    tenantId: string,
    a: Activity,
    engaged: Contact | undefined,
    companyChanged: boolean,
    event: DomainEvent,
    contactId: string,
  ): Promise<void>;
  get(tenantId: string, contactId: string, id: string): Promise<Activity | undefined>;
  /** A contact's timeline, newest first, one query per page; undefined when the contact does not exist. */
  contactTimeline(tenantId: string, contactId: string, limit: number, cursor?: string): Promise<ActivityPage | undefined>;
  /** Removes every timeline entry of a (deleted) contact, a page at a time; safe to repeat. */
  deleteContactTimeline(tenantId: string, contactId: string): Promise<void>;
  /** A company's timeline, newest first. */
  companyTimeline(tenantId: string, companyId: string, limit: number, cursor?: string): Promise<ActivityPage>;
}

export const activityRepository: ActivityRepository = {
  async log(tenantId, a, engaged, companyChanged, event, contactId) {
    // Labels in the order their failures are reported: a recorded entry first, then a missing company, then the contact.
    await transact<ActivityConflict>(
      [
        labelled('EXISTS', putNew(activityItem(tenantId, a))),
        ...(companyChanged && a.companyId ? [labelled('COMPANY' as const, companiesApi.existsCondition(tenantId, a.companyId))] : []),
        labelled(
          'CONTACT',
          engaged
            ? contactsApi.transactItems.touched(tenantId, engaged, 'activity', a.occurredAt)
            : contactsApi.transactItems.exists(tenantId, contactId),
        ),
      ],
      [event],
    );
  },

  async get(tenantId, contactId, id) {
    const item = await getItem(activityKeys.activity(tenantId, contactId, id));
    return item && stripKeys<Activity>(item);
  },

  /**
   * Entries sort before the contact's own item in its partition, so the first
   * page, read newest first from the contact item down, also tells whether the
   * contact exists.
   */
  async contactTimeline(tenantId, contactId, limit, cursor) {
    const { partition, contactSortKey, isContact } = contactsApi.timelinePartition({ tenantId, contactId });
    const page = await queryPage(
      {
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': partition, ':from': activityKeys.activityPrefix, ':to': contactSortKey },
        ScanIndexForward: false,
      },
      { limit: cursor ? limit : limit + 1, cursor, scope: partition },
    );
    if (!cursor && !(page.items[0] && isContact(page.items[0]))) return undefined;
    const items = page.items.filter((i) => i.entity === activityEntities.activity).map((i) => stripKeys<Activity>(i));
    return { items, nextCursor: page.nextCursor };
  },

  async deleteContactTimeline(tenantId, contactId) {
    await deleteQueried({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :a)',
      ExpressionAttributeValues: {
        ':pk': contactsApi.timelinePartition({ tenantId, contactId }).partition,
        ':a': activityKeys.activityPrefix,
      },
      ProjectionExpression: 'PK, SK',
    });
  },

  companyTimeline: (tenantId, companyId, limit, cursor) =>
    listPage<Activity>(
      { index: 'GSI2', partition: activityKeys.companyActivityPartition(tenantId, companyId), newestFirst: true },
      { limit, cursor },
    ),
};
