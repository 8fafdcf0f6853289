import { tenantKey } from '../../shared/db/tenant.ts';

/** Entity names this context stores (the `entity` attribute). */
export const messagingEntities = {
  message: 'MESSAGE',
  messageDedupe: 'MESSAGE_GUARD',
  messageEvent: 'MESSAGE_EVENT',
  pressure: 'PRESSURE',
  suppression: 'SUPPRESSION',
  template: 'TEMPLATE',
  templateVersion: 'TEMPLATE_VERSION',
  templateUse: 'TEMPLATE_USE',
  settings: 'MESSAGING_SETTINGS',
} as const;

export const messagingKeys = {
  /** A message log item: GetItem by message id (SES events carry it back in a tag). */
  message: (tenantId: string, messageId: string) => ({ PK: `${tenantKey(tenantId)}#MSG#${messageId}`, SK: 'MSG' }),
  /** GSI1: a contact's messages, newest first by id (ULID). */
  contactMessage: (tenantId: string, contactId: string, messageId: string) => ({
    GSI1PK: `${tenantKey(tenantId)}#MSG#C#${contactId}`,
    GSI1SK: messageId,
  }),
  contactMessagePartition: (tenantId: string, contactId: string) => `${tenantKey(tenantId)}#MSG#C#${contactId}`,
  /** Guard naming the message a dedupe key claimed; written in the claim's transaction so a key never sends twice. */
  messageDedupe: (tenantId: string, dedupeKey: string) => ({ PK: `${tenantKey(tenantId)}#MSGD#${dedupeKey}`, SK: 'MSGD' }),
  /** Guard for one provider event (SES delivery, bounce, open…) of a message, beside it: duplicates are no-ops. */
  messageEvent: (tenantId: string, messageId: string, eventKey: string) => ({
    PK: `${tenantKey(tenantId)}#MSG#${messageId}`,
    SK: `E#${eventKey}`,
  }),
  /** Contact-pressure counter: messages of a purpose to a contact in one day or week bucket, updated conditionally. */
  pressure: (tenantId: string, contactId: string, purpose: string, bucket: string) => ({
    PK: `${tenantKey(tenantId)}#MCAP#${contactId}#${purpose}#${bucket}`,
    SK: 'MCAP',
  }),
  /** Suppression list: one partition per tenant; GetItem by channel + address before a send, Query to list. */
  suppression: (tenantId: string, channel: string, address: string) => ({ PK: `${tenantKey(tenantId)}#SUP`, SK: `${channel}#${address}` }),
  suppressionPartition: (tenantId: string) => `${tenantKey(tenantId)}#SUP`,
  /** A template's head (latest version, name, channel): GetItem by id. */
  template: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#TPL#${id}`, SK: 'TPL' }),
  /** Every version of a template, kept beside its head: GetItem by id + version. */
  templateVersion: (tenantId: string, id: string, version: number) => ({
    PK: `${tenantKey(tenantId)}#TPL#${id}`,
    SK: `V#${String(version).padStart(8, '0')}`,
  }),
  /** A template in use by an active or paused journey, beside the template's head: one Query before a delete names the journeys. */
  templateUse: (tenantId: string, templateId: string, journeyId: string) => ({
    PK: `${tenantKey(tenantId)}#TPL#${templateId}`,
    SK: `USE#${journeyId}`,
  }),
  templateUsePrefix: 'USE#',
  /** GSI1: a tenant's templates (not deleted), oldest first. */
  templateList: (tenantId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#TPL`, GSI1SK: id }),
  templateListPartition: (tenantId: string) => `${tenantKey(tenantId)}#TPL`,
  /** A tenant's messaging settings (sender, quiet hours, frequency caps): GetItem. */
  messagingSettings: (tenantId: string) => ({ PK: `${tenantKey(tenantId)}#MSET`, SK: 'MSET' }),
} as const;
