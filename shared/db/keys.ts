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
  engagement: (tenantId: string, contactId: string, at: string) => ({
    GSI3PK: `${t(tenantId)}#ENG#${at.slice(0, 10)}`,
    GSI3SK: `${at}#${contactId}`,
  }),
  engagementPartition: (tenantId: string, day: string) => `${t(tenantId)}#ENG#${day}`,

  /**
   * A contact's listing entry, beside it and rewritten with it (one item, so one
   * more write per change): GSI1 by owner, GSI2 by lifecycle stage, GSI3 by last
   * update. When the contact is deleted it becomes its deletion record.
   */
  contactFacets: (tenantId: string, id: string) => ({ PK: `${t(tenantId)}#C#${id}`, SK: 'F' }),
  contactByOwner: (tenantId: string, ownerId: string, id: string) => ({ GSI1PK: `${t(tenantId)}#C#OWNER#${ownerId}`, GSI1SK: id }),
  contactByOwnerPartition: (tenantId: string, ownerId: string) => `${t(tenantId)}#C#OWNER#${ownerId}`,
  contactByStage: (tenantId: string, stage: string, id: string) => ({ GSI2PK: `${t(tenantId)}#C#STAGE#${stage}`, GSI2SK: id }),
  contactByStagePartition: (tenantId: string, stage: string) => `${t(tenantId)}#C#STAGE#${stage}`,
  /** GSI3: contacts by last update, oldest first (incremental sync). */
  contactUpdate: (tenantId: string, updatedAt: string, id: string) => ({ GSI3PK: `${t(tenantId)}#C#UPD`, GSI3SK: `${updatedAt}#${id}` }),
  contactUpdatePartition: (tenantId: string) => `${t(tenantId)}#C#UPD`,
  /** GSI3: deleted contacts by deletion time, so a sync client sees deletes; kept for `contactDeletionDays`. */
  contactDeletion: (tenantId: string, deletedAt: string, id: string) => ({ GSI3PK: `${t(tenantId)}#C#DEL`, GSI3SK: `${deletedAt}#${id}` }),
  contactDeletionPartition: (tenantId: string) => `${t(tenantId)}#C#DEL`,

  company: (tenantId: string, id: string) => ({ PK: `${t(tenantId)}#CO#${id}`, SK: 'CO' }),
  companyList: (tenantId: string, id: string) => ({ GSI1PK: `${t(tenantId)}#CO`, GSI1SK: id }),
  companyListPartition: (tenantId: string) => `${t(tenantId)}#CO`,
  /** GSI2: companies by folded name, for name-prefix search. */
  companyName: (tenantId: string, foldedName: string, id: string) => ({ GSI2PK: `${t(tenantId)}#CO#NAME`, GSI2SK: `${foldedName}#${id}` }),
  companyNamePartition: (tenantId: string) => `${t(tenantId)}#CO#NAME`,

  /** Timeline entries live in their contact's partition, newest first by id (ULID of the activity time). */
  activity: (tenantId: string, contactId: string, id: string) => ({ PK: `${t(tenantId)}#C#${contactId}`, SK: `A#${id}` }),
  activityPrefix: 'A#',
  /** A contact's orders (from order.placed), in its partition after its own item; newest first for `recentOrders` in templates. */
  order: (tenantId: string, contactId: string, placedAt: string, orderId: string) => ({
    PK: `${t(tenantId)}#C#${contactId}`,
    SK: `O#${placedAt}#${orderId}`,
  }),
  orderPrefix: 'O#',
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
  /** A message log item: GetItem by message id (SES events carry it back in a tag). */
  message: (tenantId: string, messageId: string) => ({ PK: `${t(tenantId)}#MSG#${messageId}`, SK: 'MSG' }),
  /** GSI1: a contact's messages, newest first by id (ULID). */
  contactMessage: (tenantId: string, contactId: string, messageId: string) => ({
    GSI1PK: `${t(tenantId)}#MSG#C#${contactId}`,
    GSI1SK: messageId,
  }),
  contactMessagePartition: (tenantId: string, contactId: string) => `${t(tenantId)}#MSG#C#${contactId}`,
  /** Guard naming the message a dedupe key claimed; written in the claim's transaction so a key never sends twice. */
  messageDedupe: (tenantId: string, dedupeKey: string) => ({ PK: `${t(tenantId)}#MSGD#${dedupeKey}`, SK: 'MSGD' }),
  /** Guard for one provider event (SES delivery, bounce, open…) of a message, beside it: duplicates are no-ops. */
  messageEvent: (tenantId: string, messageId: string, eventKey: string) => ({ PK: `${t(tenantId)}#MSG#${messageId}`, SK: `E#${eventKey}` }),
  /** Contact-pressure counter: messages of a purpose to a contact in one day or week bucket, updated conditionally. */
  pressure: (tenantId: string, contactId: string, purpose: string, bucket: string) => ({
    PK: `${t(tenantId)}#MCAP#${contactId}#${purpose}#${bucket}`,
    SK: 'MCAP',
  }),
  /** Suppression list: one partition per tenant; GetItem by channel + address before a send, Query to list. */
  suppression: (tenantId: string, channel: string, address: string) => ({ PK: `${t(tenantId)}#SUP`, SK: `${channel}#${address}` }),
  suppressionPartition: (tenantId: string) => `${t(tenantId)}#SUP`,
  /** A template's head (latest version, name, channel): GetItem by id. */
  template: (tenantId: string, id: string) => ({ PK: `${t(tenantId)}#TPL#${id}`, SK: 'TPL' }),
  /** Every version of a template, kept beside its head: GetItem by id + version. */
  templateVersion: (tenantId: string, id: string, version: number) => ({
    PK: `${t(tenantId)}#TPL#${id}`,
    SK: `V#${String(version).padStart(8, '0')}`,
  }),
  /** A template in use by an active or paused journey, beside the template's head: one Query before a delete names the journeys. */
  templateUse: (tenantId: string, templateId: string, journeyId: string) => ({
    PK: `${t(tenantId)}#TPL#${templateId}`,
    SK: `USE#${journeyId}`,
  }),
  templateUsePrefix: 'USE#',
  /** GSI1: a tenant's templates (not deleted), oldest first. */
  templateList: (tenantId: string, id: string) => ({ GSI1PK: `${t(tenantId)}#TPL`, GSI1SK: id }),
  templateListPartition: (tenantId: string) => `${t(tenantId)}#TPL`,
  /** A tenant's messaging settings (sender, quiet hours, frequency caps): GetItem. */
  messagingSettings: (tenantId: string) => ({ PK: `${t(tenantId)}#MSET`, SK: 'MSET' }),
  /** A tenant's contact settings (default phone region): GetItem. */
  contactSettings: (tenantId: string) => ({ PK: `${t(tenantId)}#CSET`, SK: 'CSET' }),

  // --- surveys ---
  /** A survey send and, once answered, its response: GetItem by the send id a signed survey link carries. */
  surveySend: (tenantId: string, sendId: string) => ({ PK: `${t(tenantId)}#SV#${sendId}`, SK: 'SV' }),
  /** GSI1: a contact's survey sends, newest first by id (ULID). */
  contactSurvey: (tenantId: string, contactId: string, sendId: string) => ({ GSI1PK: `${t(tenantId)}#SV#C#${contactId}`, GSI1SK: sendId }),
  contactSurveyPartition: (tenantId: string, contactId: string) => `${t(tenantId)}#SV#C#${contactId}`,
  /** Guard naming the send a dedupe key (journey run + step) created; written in the send's transaction. */
  surveyDedupe: (tenantId: string, dedupeKey: string) => ({ PK: `${t(tenantId)}#SVD#${dedupeKey}`, SK: 'SVD' }),

  // --- tasks ---
  /** A task: GetItem by id. */
  task: (tenantId: string, id: string) => ({ PK: `${t(tenantId)}#TK#${id}`, SK: 'TK' }),
  /** GSI1: an owner's open (or done) tasks, soonest due first. */
  ownerTask: (tenantId: string, status: string, ownerId: string, dueAt: string, id: string) => ({
    GSI1PK: `${t(tenantId)}#TK#${status}#${ownerId}`,
    GSI1SK: `${dueAt}#${id}`,
  }),
  ownerTaskPartition: (tenantId: string, status: string, ownerId: string) => `${t(tenantId)}#TK#${status}#${ownerId}`,
  /** GSI2: a contact's tasks, so they go with the contact. */
  contactTask: (tenantId: string, contactId: string, id: string) => ({ GSI2PK: `${t(tenantId)}#TK#C#${contactId}`, GSI2SK: id }),
  contactTaskPartition: (tenantId: string, contactId: string) => `${t(tenantId)}#TK#C#${contactId}`,
  /** Guard naming the task a dedupe key (journey run + step) created; written in the task's transaction. */
  taskDedupe: (tenantId: string, dedupeKey: string) => ({ PK: `${t(tenantId)}#TKD#${dedupeKey}`, SK: 'TKD' }),
} as const;

export type UniqueKind = 'EMAIL' | 'PHONE' | 'EXT' | 'DOMAIN' | 'EVENT';
export type SearchField = 'N' | 'G';

/** Days a deleted contact's record stays listed for sync clients. */
export const contactDeletionDays = 30;

/** Item type marker stored on every item; the stream filter and tests key on it. */
export const entityTypes = [
  'CONTACT',
  'CONTACT_FACETS',
  'CONTACT_DELETION',
  'CONTACT_SETTINGS',
  'ORDER',
  'COMPANY',
  'ACTIVITY',
  'UNIQUE',
  'SEARCH',
  'OUTBOX',
  'IDEMPOTENCY',
  'MESSAGE',
  'MESSAGE_GUARD',
  'MESSAGE_EVENT',
  'PRESSURE',
  'SUPPRESSION',
  'TEMPLATE',
  'TEMPLATE_VERSION',
  'TEMPLATE_USE',
  'MESSAGING_SETTINGS',
  'SURVEY_SEND',
  'SURVEY_DEDUPE',
  'TASK',
  'TASK_DEDUPE',
] as const;
export type EntityType = (typeof entityTypes)[number];
