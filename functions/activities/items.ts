import { tenantKey } from '../../shared/db/tenant.ts';
import type { Activity } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const activityEntities = { activity: 'ACTIVITY' } as const;

export const activityKeys = {
  /**
   * A timeline entry, in its contact's partition (contactsApi.timelinePartition), newest first by id (ULID of the
   * activity time): GetItem by contact + id.
   */
  activity: (tenantId: string, contactId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#C#${contactId}`, SK: `A#${id}` }),
  activityPrefix: 'A#',
  /** GSI2: a company's timeline. */
  companyActivity: (tenantId: string, companyId: string, id: string) => ({
    GSI2PK: `${tenantKey(tenantId)}#CO#${companyId}#A`,
    GSI2SK: id,
  }),
  companyActivityPartition: (tenantId: string, companyId: string) => `${tenantKey(tenantId)}#CO#${companyId}#A`,
} as const;

export const activityItem = (tenantId: string, a: Activity) => ({
  ...activityKeys.activity(tenantId, a.contactId, a.id),
  ...(a.companyId ? activityKeys.companyActivity(tenantId, a.companyId, a.id) : {}),
  entity: activityEntities.activity,
  ...a,
});
