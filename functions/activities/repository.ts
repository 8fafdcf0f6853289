import { deleteQueried } from '../../shared/db/batch.ts';
import { keys } from '../../shared/db/keys.ts';
import { getItem, queryPage, stripKeys } from '../../shared/db/query.ts';
import { putNew, TransactionConflict, writeWithEvents } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { companyExistsCondition } from '../companies/membership.ts';
import type { Contact } from '../contacts/schemas.ts';
import { contactExists, contactTouched } from '../contacts/timeline-link.ts';
import type { Activity } from './schemas.ts';

export class ActivityWriteConflict extends Error {
  constructor(readonly reason: 'EXISTS' | 'CONTACT' | 'COMPANY') {
    super(`activity write conflict: ${reason}`);
  }
}

const activityItem = (tenantId: string, a: Activity) => ({
  ...keys.activity(tenantId, a.contactId, a.id),
  ...(a.companyId ? keys.companyActivity(tenantId, a.companyId, a.id) : {}),
  entity: 'ACTIVITY',
  ...a,
});

export const activityRepository = {
  /** One transaction: the timeline entry, the contact's engagement times (only forward) when it engages, else a check it exists, the company check and the event. */
  async log(tenantId: string, a: Activity, engaged: Contact | undefined, companyChanged: boolean, event: DomainEvent, contactId: string) {
    const contact = engaged ? contactTouched(tenantId, engaged, 'activity', a.occurredAt) : contactExists(tenantId, contactId);
    const company = companyChanged && a.companyId ? [companyExistsCondition(tenantId, a.companyId)] : [];
    try {
      await writeWithEvents([putNew(activityItem(tenantId, a)), contact, ...company], [event]);
    } catch (error) {
      if (error instanceof TransactionConflict)
        throw new ActivityWriteConflict(error.failed.includes(0) ? 'EXISTS' : error.failed.includes(2) ? 'COMPANY' : 'CONTACT');
      throw error;
    }
  },

  async get(tenantId: string, contactId: string, id: string): Promise<Activity | undefined> {
    const item = await getItem(keys.activity(tenantId, contactId, id));
    return item && stripKeys<Activity>(item);
  },

  /**
   * A contact's timeline, newest first, in one query per page. The contact's
   * own item sorts just after its activities (SK 'C' > 'A#…'), so the first
   * page also tells whether the contact exists: undefined when it does not.
   */
  async contactTimeline(tenantId: string, contactId: string, limit: number, cursor?: string) {
    const { PK, SK } = keys.contact(tenantId, contactId);
    const page = await queryPage(
      {
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': PK, ':from': keys.activityPrefix, ':to': SK },
        ScanIndexForward: false,
      },
      { limit: cursor ? limit : limit + 1, cursor, scope: PK },
    );
    if (!cursor && page.items[0]?.SK !== SK) return undefined;
    const items = page.items.filter((i) => i.entity === 'ACTIVITY').map((i) => stripKeys<Activity>(i));
    return { items, nextCursor: page.nextCursor };
  },

  /** Removes every timeline entry of a (deleted) contact, a page at a time; safe to repeat. */
  async deleteContactTimeline(tenantId: string, contactId: string) {
    await deleteQueried({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :a)',
      ExpressionAttributeValues: { ':pk': keys.contact(tenantId, contactId).PK, ':a': keys.activityPrefix },
      ProjectionExpression: 'PK, SK',
    });
  },

  async companyTimeline(tenantId: string, companyId: string, limit: number, cursor?: string) {
    const partition = keys.companyActivityPartition(tenantId, companyId);
    const page = await queryPage(
      {
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
      },
      { limit, cursor, scope: partition },
    );
    return { items: page.items.map((i) => stripKeys<Activity>(i)), nextCursor: page.nextCursor };
  },
};
export type ActivityRepository = typeof activityRepository;
