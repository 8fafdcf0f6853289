import { publicBaseUrl } from '../../shared/config.ts';
import { signLink, verify, verifyLink } from '../../shared/crypto/signed.ts';
import type { Purpose } from './schemas.ts';

const scope = 'unsubscribe';
const lifetimeMs = 60 * 24 * 3600 * 1000;

/** Who a preference link is for, and which purpose its one-click POST withdraws. */
export interface UnsubscribeTarget {
  tenantId: string;
  contactId: string;
  purpose: Exclude<Purpose, 'transactional'>;
}

/** A signed link to the contact's preference page, valid for 60 days from `now`. */
export const unsubscribeUrl = async (target: UnsubscribeTarget, now: Date): Promise<string> => {
  const token = await signLink({ t: target.tenantId, c: target.contactId, p: target.purpose }, scope, new Date(now.getTime() + lifetimeMs));
  return `${publicBaseUrl()}/unsubscribe/${token}`;
};

/** The link's target, or why there is none: a mangled or forged token is told apart from an expired one, since people see the difference. */
export const readUnsubscribeToken = async (token: string, now: Date): Promise<UnsubscribeTarget | 'expired' | 'invalid'> => {
  const value = await verifyLink<{ t?: unknown; c?: unknown; p?: unknown }>(token, scope, now);
  if (value && typeof value.t === 'string' && typeof value.c === 'string')
    return { tenantId: value.t, contactId: value.c, purpose: value.p === 'surveys' ? 'surveys' : 'marketing' };
  return !value && (await verify(token, scope)) ? 'expired' : 'invalid';
};
