import { tenantKey } from './tenant.ts';

/**
 * The kernel's own items: the outbox every context writes its events to, and
 * Idempotency-Key records. Each context declares its items in
 * functions/<context>/items.ts; docs/data-model.md maps access patterns to them.
 */
export const keys = {
  /** An event awaiting relay, written in its change's transaction; the stream relays it, TTL a week. */
  outbox: (tenantId: string, eventId: string) => ({ PK: `${tenantKey(tenantId)}#O#${eventId}`, SK: 'O' }),
  /** The first answer to a POST with an Idempotency-Key, replayed for a retry; TTL a day. */
  idempotency: (tenantId: string, key: string) => ({ PK: `${tenantKey(tenantId)}#I#${key}`, SK: 'I' }),
} as const;

/** Entity names of the kernel's items; the stream filter keys on the outbox's. */
export const kernelEntities = { outbox: 'OUTBOX', idempotency: 'IDEMPOTENCY' } as const;
