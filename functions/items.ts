import { journeyEntities } from './journeys/items.ts';

/**
 * Every entity name stored in the table, by the context that owns it: one
 * line per context. The `entity` attribute of every item is one of these; the
 * kernel's own items (outbox, idempotency) are declared in shared/db/keys.ts.
 */
export const entityCatalog = {
  journeys: journeyEntities,
} as const satisfies Record<string, Record<string, string>>;
