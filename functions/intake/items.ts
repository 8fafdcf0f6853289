import { createHash } from 'node:crypto';
import { tenantKey } from '../../shared/db/tenant.ts';
import type { TicketForm, TicketIntegration } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const intakeEntities = {
  mail: 'INTAKE_MAIL',
  source: 'INTAKE_SOURCE',
  thread: 'INTAKE_THREAD',
  integration: 'TICKET_INTEGRATION',
  form: 'TICKET_FORM',
  formHits: 'TICKET_FORM_HITS',
} as const;

/** An id from outside (a Message-ID, a chat's message id) as a key part: as it is when short and plain, else its SHA-256. */
export const outsideId = (id: string): string =>
  id.length <= 200 && /^[\x21-\x7e]+$/.test(id) ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;

export const intakeKeys = {
  /** A Message-ID intake received (or tickets sent) → its ticket: GetItem, for SES redelivery and for threading replies. */
  mail: (tenantId: string, messageId: string) => ({ PK: `${tenantKey(tenantId)}#IM#${outsideId(messageId)}`, SK: 'IM' }),
  /** A message of an integration (its source message id) → the ticket and message it made: GetItem, for idempotent ingest. */
  source: (tenantId: string, integrationId: string, sourceMessageId: string) => ({
    PK: `${tenantKey(tenantId)}#IS#${integrationId}#${outsideId(sourceMessageId)}`,
    SK: 'IS',
  }),
  /** A conversation of an integration (its source thread id) → its ticket: GetItem, so later messages become replies. */
  thread: (tenantId: string, integrationId: string, threadId: string) => ({
    PK: `${tenantKey(tenantId)}#IT#${integrationId}#${outsideId(threadId)}`,
    SK: 'IT',
  }),
  /** An integration: GetItem by its local id (the tenant comes from the public id). */
  integration: (tenantId: string, localId: string) => ({ PK: `${tenantKey(tenantId)}#TI#${localId}`, SK: 'TI' }),
  /** GSI1: a tenant's integrations, oldest first. */
  integrationList: (tenantId: string, localId: string) => ({ GSI1PK: `${tenantKey(tenantId)}#TI`, GSI1SK: localId }),
  integrationListPartition: (tenantId: string) => `${tenantKey(tenantId)}#TI`,
  /** A ticket form: GetItem by its local id (the tenant comes from the public id). */
  form: (tenantId: string, localId: string) => ({ PK: `${tenantKey(tenantId)}#TF#${localId}`, SK: 'TF' }),
  /** GSI1: a tenant's ticket forms, oldest first. */
  formList: (tenantId: string, localId: string) => ({ GSI1PK: `${tenantKey(tenantId)}#TF`, GSI1SK: localId }),
  formListPartition: (tenantId: string) => `${tenantKey(tenantId)}#TF`,
  /** A fixed-window submission counter of a ticket form (scope 'FORM') or of one IP on it, beside the form; expires after its window. */
  formHits: (tenantId: string, localId: string, scope: string, window: number) => ({
    PK: `${tenantKey(tenantId)}#TF#${localId}`,
    SK: `RL#${scope}#${window}`,
  }),
} as const;

export const integrationItem = (tenantId: string, i: TicketIntegration) => ({
  ...intakeKeys.integration(tenantId, i.localId),
  ...intakeKeys.integrationList(tenantId, i.localId),
  entity: intakeEntities.integration,
  ...i,
});

export const formItem = (tenantId: string, f: TicketForm) => ({
  ...intakeKeys.form(tenantId, f.localId),
  ...intakeKeys.formList(tenantId, f.localId),
  entity: intakeEntities.form,
  ...f,
});
