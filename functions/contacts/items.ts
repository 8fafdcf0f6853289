import { tenantKey } from '../../shared/db/tenant.ts';
import { nameTerms } from '../../shared/domain/normalize.ts';
import type { Contact, OrderSummary } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const contactEntities = {
  contact: 'CONTACT',
  facets: 'CONTACT_FACETS',
  deletion: 'CONTACT_DELETION',
  settings: 'CONTACT_SETTINGS',
  order: 'ORDER',
  orderApplied: 'CONTACT_ORDER_APPLIED',
  guard: 'CONTACT_GUARD',
  search: 'SEARCH',
} as const;

/** The unique fields of a contact, each with a guard item naming it: email, E.164 phone, external id. */
export type UniqueKind = 'EMAIL' | 'PHONE' | 'EXT';
/** Search terms: `N` a folded name term, `G` a tag. */
export type SearchField = 'N' | 'G';

/** Days a deleted contact's record stays listed for sync clients. */
export const contactDeletionDays = 30;

const contactPartition = (tenantId: string, id: string) => `${tenantKey(tenantId)}#C#${id}`;

export const contactKeys = {
  /** A contact: GetItem by id. Its partition also holds its facets (`F`), orders (`O#`) and timeline (`A#`, sorting before `C`). */
  contact: (tenantId: string, id: string) => ({ PK: contactPartition(tenantId, id), SK: 'C' }),
  /** GSI1: every contact of a tenant, oldest first (ULIDs sort by creation). */
  list: (tenantId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#C`, GSI1SK: id }),
  listPartition: (tenantId: string) => `${tenantKey(tenantId)}#C`,
  /** GSI2: a company's contacts. */
  companyMember: (tenantId: string, companyId: string, contactId: string) => ({
    GSI2PK: `${tenantKey(tenantId)}#CO#${companyId}#C`,
    GSI2SK: contactId,
  }),
  companyMemberPartition: (tenantId: string, companyId: string) => `${tenantKey(tenantId)}#CO#${companyId}#C`,
  /** GSI3: contacts by the day they last engaged (created, an activity or an order); a win-back sweep reads one day per query. */
  engagement: (tenantId: string, contactId: string, at: string) => ({
    GSI3PK: `${tenantKey(tenantId)}#ENG#${at.slice(0, 10)}`,
    GSI3SK: `${at}#${contactId}`,
  }),
  engagementPartition: (tenantId: string, day: string) => `${tenantKey(tenantId)}#ENG#${day}`,
  /**
   * A contact's listing entry, beside it and rewritten with it (one item, so one
   * more write per change): GSI1 by owner, GSI2 by lifecycle stage, GSI3 by last
   * update. When the contact is deleted it becomes its deletion record.
   */
  facets: (tenantId: string, id: string) => ({ PK: contactPartition(tenantId, id), SK: 'F' }),
  byOwner: (tenantId: string, ownerId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#C#OWNER#${ownerId}`, GSI1SK: id }),
  byOwnerPartition: (tenantId: string, ownerId: string) => `${tenantKey(tenantId)}#C#OWNER#${ownerId}`,
  byStage: (tenantId: string, stage: string, id: string) => ({ GSI2PK: `${tenantKey(tenantId)}#C#STAGE#${stage}`, GSI2SK: id }),
  byStagePartition: (tenantId: string, stage: string) => `${tenantKey(tenantId)}#C#STAGE#${stage}`,
  /** GSI3: contacts by last update, oldest first (incremental sync). */
  update: (tenantId: string, updatedAt: string, id: string) => ({ GSI3PK: `${tenantKey(tenantId)}#C#UPD`, GSI3SK: `${updatedAt}#${id}` }),
  updatePartition: (tenantId: string) => `${tenantKey(tenantId)}#C#UPD`,
  /** GSI3: deleted contacts by deletion time, so a sync client sees deletes; kept for `contactDeletionDays`. */
  deletion: (tenantId: string, deletedAt: string, id: string) => ({ GSI3PK: `${tenantKey(tenantId)}#C#DEL`, GSI3SK: `${deletedAt}#${id}` }),
  deletionPartition: (tenantId: string) => `${tenantKey(tenantId)}#C#DEL`,
  /** A contact's orders (from order.placed), in its partition after its own item; newest first for `recentOrders` in templates. */
  order: (tenantId: string, contactId: string, placedAt: string, orderId: string) => ({
    PK: contactPartition(tenantId, contactId),
    SK: `O#${placedAt}#${orderId}`,
  }),
  orderPrefix: 'O#',
  /** An order event already counted in the contact's lifetimeValue / orderCount (written with the update, once). */
  orderApplied: (tenantId: string, contactId: string, key: string) => ({ PK: contactPartition(tenantId, contactId), SK: `OA#${key}` }),
  orderAppliedPrefix: 'OA#',
  /** Uniqueness guard of an email, phone or external id, written in the same transaction as its contact. */
  guard: (tenantId: string, kind: UniqueKind, value: string) => ({ PK: `${tenantKey(tenantId)}#U#${kind}#${value}`, SK: 'U' }),
  /** Search terms of contacts: one partition per tenant, prefix queries on SK. */
  search: (tenantId: string, field: SearchField, term: string, contactId: string) => ({
    PK: `${tenantKey(tenantId)}#S`,
    SK: `${field}#${term}#${contactId}`,
  }),
  searchPartition: (tenantId: string) => `${tenantKey(tenantId)}#S`,
  /** A tenant's contact settings (default phone region): GetItem. */
  settings: (tenantId: string) => ({ PK: `${tenantKey(tenantId)}#CSET`, SK: 'CSET' }),
} as const;

/** The guards a contact holds: one per unique field it has. */
export const uniques = (c: Contact): [UniqueKind, string][] => [
  ...(c.email ? [['EMAIL', c.email] as [UniqueKind, string]] : []),
  ...(c.phone ? [['PHONE', c.phone] as [UniqueKind, string]] : []),
  ...(c.externalId ? [['EXT', c.externalId] as [UniqueKind, string]] : []),
];

/** The search entries a contact has: its name terms and tags. */
export const searchTerms = (c: Contact): [SearchField, string][] => [
  ...nameTerms(c.firstName, c.lastName).map((t): [SearchField, string] => ['N', t]),
  ...c.tags.map((t): [SearchField, string] => ['G', t]),
];

export const contactItem = (tenantId: string, c: Contact) => ({
  ...contactKeys.contact(tenantId, c.id),
  ...contactKeys.list(tenantId, c.id),
  ...(c.companyId ? contactKeys.companyMember(tenantId, c.companyId, c.id) : {}),
  ...contactKeys.engagement(tenantId, c.id, c.lastEngagedAt),
  entity: contactEntities.contact,
  ...c,
});

export const facetsItem = (tenantId: string, c: Contact) => ({
  ...contactKeys.facets(tenantId, c.id),
  ...(c.ownerId ? contactKeys.byOwner(tenantId, c.ownerId, c.id) : {}),
  ...contactKeys.byStage(tenantId, c.lifecycleStage, c.id),
  ...contactKeys.update(tenantId, c.updatedAt, c.id),
  entity: contactEntities.facets,
  contactId: c.id,
});

export const deletionItem = (tenantId: string, contactId: string, deletedAt: string) => ({
  ...contactKeys.facets(tenantId, contactId),
  ...contactKeys.deletion(tenantId, deletedAt, contactId),
  entity: contactEntities.deletion,
  contactId,
  deletedAt,
  expiresAt: Math.floor(Date.parse(deletedAt) / 1000) + contactDeletionDays * 86_400,
});

export const guardItem = (tenantId: string, kind: UniqueKind, value: string, contactId: string) => ({
  ...contactKeys.guard(tenantId, kind, value),
  entity: contactEntities.guard,
  contactId,
});

export const searchItem = (tenantId: string, [field, term]: [SearchField, string], contactId: string) => ({
  ...contactKeys.search(tenantId, field, term, contactId),
  entity: contactEntities.search,
  contactId,
});

export const orderItem = (tenantId: string, contactId: string, order: OrderSummary) => ({
  ...contactKeys.order(tenantId, contactId, order.placedAt, order.orderId),
  entity: contactEntities.order,
  ...order,
});

export const settingsItem = (tenantId: string, settings: Record<string, unknown>, updatedAt: string) => ({
  ...contactKeys.settings(tenantId),
  entity: contactEntities.settings,
  ...settings,
  updatedAt,
});
