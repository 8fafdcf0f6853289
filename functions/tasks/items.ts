import { tenantKey } from '../../shared/db/tenant.ts';

/** Entity names this context stores (the `entity` attribute). */
export const taskEntities = { task: 'TASK', dedupeGuard: 'TASK_DEDUPE' } as const;

export const taskKeys = {
  /** A task: GetItem by id. */
  task: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#TK#${id}`, SK: 'TK' }),
  /** GSI1: an owner's open (or done) tasks, soonest due first. */
  ownerTask: (tenantId: string, status: string, ownerId: string, dueAt: string, id: string) => ({
    GSI1PK: `${tenantKey(tenantId)}#TK#${status}#${ownerId}`,
    GSI1SK: `${dueAt}#${id}`,
  }),
  ownerTaskPartition: (tenantId: string, status: string, ownerId: string) => `${tenantKey(tenantId)}#TK#${status}#${ownerId}`,
  /** GSI2: a contact's tasks, so they go with the contact. */
  contactTask: (tenantId: string, contactId: string, id: string) => ({
    GSI2PK: `${tenantKey(tenantId)}#TK#C#${contactId}`,
    GSI2SK: id,
  }),
  contactTaskPartition: (tenantId: string, contactId: string) => `${tenantKey(tenantId)}#TK#C#${contactId}`,
  /** Guard naming the task a dedupe key (journey run + step) created; written in the task's transaction. */
  taskDedupe: (tenantId: string, dedupeKey: string) => ({ PK: `${tenantKey(tenantId)}#TKD#${dedupeKey}`, SK: 'TKD' }),
} as const;
