import { tenantKey } from '../../shared/db/tenant.ts';

/** Entity names this context stores (the `entity` attribute). */
export const eventEntities = { sourceGuard: 'EVENT_SOURCE' } as const;

export const eventKeys = {
  /** Guard for an ingested event's source id (per type): a resend finds it and answers with the first event's id. */
  sourceGuard: (tenantId: string, type: string, sourceId: string) => ({
    PK: `${tenantKey(tenantId)}#U#EVENT#${type}#${sourceId}`,
    SK: 'U',
  }),
} as const;

export const sourceGuardItem = (tenantId: string, type: string, sourceId: string, eventId: string, bodyHash: string) => ({
  ...eventKeys.sourceGuard(tenantId, type, sourceId),
  entity: eventEntities.sourceGuard,
  eventId,
  bodyHash,
});
