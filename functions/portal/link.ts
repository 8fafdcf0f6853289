import { createHash, timingSafeEqual } from 'node:crypto';
import { publicBaseUrl } from '../../shared/config.ts';
import { sign, signLink, verify, verifyLink } from '../../shared/crypto/signed.ts';
import type { CustomerCaller } from '../../shared/http/customer.ts';

const scope = 'portal-sign-in';

/** How long an emailed sign-in link works. */
export const signInLinkMinutes = 15;

/** The emailed sign-in link: signed so it names its tenant, contact and one-use id, and stops working at `expiresAt`. */
export const signInUrl = async (tenantId: string, contactId: string, linkId: string, expiresAt: Date) =>
  `${publicBaseUrl()}/portal/${encodeURIComponent(tenantId)}/auth?token=${await signLink({ t: tenantId, c: contactId, j: linkId }, scope, expiresAt)}`;

export type SignInLink =
  | { status: 'valid'; tenantId: string; contactId: string; linkId: string; expiresAt: number }
  | { status: 'expired' }
  | { status: 'invalid' };

/** Reads a sign-in link token for the tenant of the path; an expired link is told apart from a tampered one. */
export const readSignInLink = async (token: string, tenantId: string, now: Date): Promise<SignInLink> => {
  const valid = await verifyLink<{ t?: unknown; c?: unknown; j?: unknown; exp: number }>(token, scope, now);
  if (valid && valid.t === tenantId && typeof valid.c === 'string' && typeof valid.j === 'string')
    return { status: 'valid', tenantId, contactId: valid.c, linkId: valid.j, expiresAt: valid.exp };
  if (!valid && (await verify<{ t?: unknown }>(token, scope))?.t === tenantId) return { status: 'expired' };
  return { status: 'invalid' };
};

/** The form token of a session's pages (CSRF): a MAC of the session id, so only pages served to that session hold it. */
export const formTokenOf = (customer: CustomerCaller) => sign({ s: customer.sessionId }, 'portal-form');

export const isFormTokenOf = async (customer: CustomerCaller, given: string) => {
  const expected = Buffer.from(await formTokenOf(customer));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
};

/** A rate-limit scope for an address that keeps no address in the table. */
export const addressScope = (email: string) => `EMAIL#${createHash('sha256').update(email).digest('base64url').slice(0, 22)}`;
