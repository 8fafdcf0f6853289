/**
 * Every key the product writes, in one place. Each key starts with the tenant
 * from the verified token, so no request can reach another tenant's items.
 * docs/data-model.md maps access patterns to these builders.
 */
const t = (tenantId: string) => `T#${tenantId}`;

export const keys = {
  contact: (tenantId: string, id: string) => ({ PK: `${t(tenantId)}#C#${id}`, SK: 'C' }),
  /** GSI1: every contact of a tenant, oldest first (ULIDs sort by creation). */
  contactList: (tenantId: string, id: string) => ({ GSI1PK: `${t(tenantId)}#C`, GSI1SK: id }),
  contactListPartition: (tenantId: string) => `${t(tenantId)}#C`,
  /** GSI2: a company's contacts. */
  companyMember: (tenantId: string, companyId: string, contactId: string) => ({
    GSI2PK: `${t(tenantId)}#CO#${companyId}#C`,
    GSI2SK: contactId,
  }),
  companyMemberPartition: (tenantId: string, companyId: string) => `${t(tenantId)}#CO#${companyId}#C`,

  /** GSI3: contacts by the day they last engaged (created, an activity or an order); a win-back sweep reads one day per query. */
  engagement: (tenantId: string, contactId: string, at: string) => ({ GSI3PK: `${t(tenantId)}#ENG#${at.slice(0, 10)}`, GSI3SK: `${at}#${contactId}` }),
  engagementPartition: (tenantId: string, day: string) => `${t(tenantId)}#ENG#${day}`,

  company: (tenantId: string, id: string) => ({ PK: `${t(tenantId)}#CO#${id}`, SK: 'CO' }),
  companyList: (tenantId: string, id: string) => ({ GSI1PK: `${t(tenantId)}#CO`, GSI1SK: id }),
  companyListPartition: (tenantId: string) => `${t(tenantId)}#CO`,

  /** Timeline entries live in their contact's partition, newest first by id (ULID of the activity time). */
  activity: (tenantId: string, contactId: string, id: string) => ({ PK: `${t(tenantId)}#C#${contactId}`, SK: `A#${id}` }),
  activityPrefix: 'A#',
  /** GSI2: a company's timeline. */
  companyActivity: (tenantId: string, companyId: string, id: string) => ({
    GSI2PK: `${t(tenantId)}#CO#${companyId}#A`,
    GSI2SK: id,
  }),
  companyActivityPartition: (tenantId: string, companyId: string) => `${t(tenantId)}#CO#${companyId}#A`,

  /** Uniqueness guards, written in the same transaction as their entity. */
  unique: (tenantId: string, kind: UniqueKind, value: string) => ({ PK: `${t(tenantId)}#U#${kind}#${value}`, SK: 'U' }),

  /** Search terms of contacts: one partition per tenant, prefix queries on SK. */
  search: (tenantId: string, field: SearchField, term: string, contactId: string) => ({
    PK: `${t(tenantId)}#S`,
    SK: `${field}#${term}#${contactId}`,
  }),
  searchPartition: (tenantId: string) => `${t(tenantId)}#S`,

  outbox: (tenantId: string, eventId: string) => ({ PK: `${t(tenantId)}#O#${eventId}`, SK: 'O' }),
  idempotency: (tenantId: string, key: string) => ({ PK: `${t(tenantId)}#I#${key}`, SK: 'I' }),

  // --- messaging ---

  // --- journeys ---

  // --- surveys ---

  // --- tasks ---
} as const;

export type UniqueKind = 'EMAIL' | 'PHONE' | 'EXT' | 'DOMAIN' | 'EVENT';
export type SearchField = 'N' | 'G';

/** Item type marker stored on every item; the stream filter and tests key on it. */
export const entityTypes = ['CONTACT', 'COMPANY', 'ACTIVITY', 'UNIQUE', 'SEARCH', 'OUTBOX', 'IDEMPOTENCY'] as const;
export type EntityType = (typeof entityTypes)[number];
