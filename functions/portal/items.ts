import { tenantKey } from '../../shared/db/tenant.ts';

/** Entity names this context stores (the `entity` attribute). */
export const portalEntities = {
  customer: 'PORTAL_CUSTOMER',
  linkUse: 'PORTAL_LINK_USE',
  signInHits: 'PORTAL_SIGN_IN_HITS',
} as const;

export const portalKeys = {
  /** A contact as a portal customer: its session version, read (GetItem) on every customer request to honour sign-out. */
  customer: (tenantId: string, contactId: string) => ({ PK: `${tenantKey(tenantId)}#PC#${contactId}`, SK: 'PC' }),
  /** The one use of a sign-in link, written (attribute_not_exists) when it is followed; expires with the link. */
  linkUse: (tenantId: string, linkId: string) => ({ PK: `${tenantKey(tenantId)}#PL#${linkId}`, SK: 'PL' }),
  /** A fixed-window counter of sign-in requests for one address (hashed) or one IP; expires after its window. */
  signInHits: (tenantId: string, scope: string, window: number) => ({ PK: `${tenantKey(tenantId)}#PRL#${scope}`, SK: `W#${window}` }),
} as const;
