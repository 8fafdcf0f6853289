import { tenantKey } from '../../shared/db/tenant.ts';
import type { Lead, LeadForm } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const leadEntities = {
  lead: 'LEAD',
  guard: 'LEAD_GUARD',
  form: 'LEAD_FORM',
  formHits: 'LEAD_FORM_HITS',
  scoring: 'LEAD_SCORING',
  routing: 'LEAD_ROUTING',
} as const;

/** The values a lead is deduplicated on: its normalised email and E.164 phone. */
export type LeadUniqueKind = 'EMAIL' | 'PHONE';

export const leadKeys = {
  /** A lead: GetItem by id. */
  lead: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#L#${id}`, SK: 'L' }),
  /** GSI1: the leads in one status, oldest first (`GET /leads?status=`). */
  leadStatus: (tenantId: string, status: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#L#ST#${status}`, GSI1SK: id }),
  leadStatusPartition: (tenantId: string, status: string) => `${tenantKey(tenantId)}#L#ST#${status}`,
  /** GSI2: an owner's leads, oldest first (`GET /leads?ownerId=`). */
  leadOwner: (tenantId: string, ownerId: string, id: string) => ({ GSI2PK: `${tenantKey(tenantId)}#L#OWNER#${ownerId}`, GSI2SK: id }),
  leadOwnerPartition: (tenantId: string, ownerId: string) => `${tenantKey(tenantId)}#L#OWNER#${ownerId}`,
  /** Dedupe guard of a lead's email or phone, written in the lead's transaction: "which lead has this email" is one GetItem. */
  guard: (tenantId: string, kind: LeadUniqueKind, value: string) => ({ PK: `${tenantKey(tenantId)}#LU#${kind}#${value}`, SK: 'LU' }),
  /** A web form: GetItem by the form's own id (the tenant comes from the public form id, see formRef). */
  form: (tenantId: string, formId: string) => ({ PK: `${tenantKey(tenantId)}#LF#${formId}`, SK: 'LF' }),
  /** GSI1: a tenant's forms, oldest first. */
  formList: (tenantId: string, formId: string) => ({ GSI1PK: `${tenantKey(tenantId)}#LF`, GSI1SK: formId }),
  formListPartition: (tenantId: string) => `${tenantKey(tenantId)}#LF`,
  /** A fixed-window submission counter of a form (scope 'FORM') or of one IP on it, beside the form; expires after its window. */
  formHits: (tenantId: string, formId: string, scope: string, window: number) => ({
    PK: `${tenantKey(tenantId)}#LF#${formId}`,
    SK: `RL#${scope}#${window}`,
  }),
  /** The tenant's scoring rules: GetItem. */
  scoring: (tenantId: string) => ({ PK: `${tenantKey(tenantId)}#LSCORE`, SK: 'LSCORE' }),
  /** The tenant's routing team and its round-robin counter (`turns`, ADD on each assignment): GetItem / UpdateItem. */
  routing: (tenantId: string) => ({ PK: `${tenantKey(tenantId)}#LROUTE`, SK: 'LROUTE' }),
} as const;

/** The guards a lead holds: one per dedupe value it has. */
export const leadUniques = (l: Pick<Lead, 'email' | 'phone'>): [LeadUniqueKind, string][] => [
  ...(l.email ? [['EMAIL', l.email] as [LeadUniqueKind, string]] : []),
  ...(l.phone ? [['PHONE', l.phone] as [LeadUniqueKind, string]] : []),
];

export const leadItem = (tenantId: string, l: Lead) => ({
  ...leadKeys.lead(tenantId, l.id),
  ...leadKeys.leadStatus(tenantId, l.status, l.id),
  ...(l.ownerId ? leadKeys.leadOwner(tenantId, l.ownerId, l.id) : {}),
  entity: leadEntities.lead,
  ...l,
});

export const leadGuardItem = (tenantId: string, kind: LeadUniqueKind, value: string, leadId: string) => ({
  ...leadKeys.guard(tenantId, kind, value),
  entity: leadEntities.guard,
  leadId,
});

export const formItem = (tenantId: string, f: LeadForm) => ({
  ...leadKeys.form(tenantId, f.localId),
  ...leadKeys.formList(tenantId, f.localId),
  entity: leadEntities.form,
  ...f,
});
