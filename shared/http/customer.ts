import type { APIGatewayProxyEventV2WithJWTAuthorizer as Event } from 'aws-lambda';
import { signLink, verifyLink } from '../crypto/signed.ts';
import { clock } from '../ports/clock.ts';
import { tenantPattern } from './auth.ts';
import { Problem } from './problem.ts';

/**
 * Who a customer route serves: the self-service portal's customer, from their
 * session token only. A customer is one contact of one tenant, never a staff user.
 */
export interface CustomerCaller {
  tenantId: string;
  contactId: string;
  /** The session this token belongs to (a form token is bound to it). */
  sessionId: string;
  /** The customer's session version when it was issued: raising it revokes every earlier session. */
  sessionVersion: number;
}

/** What a customer session token is signed for: a link, cursor or another token never passes as one. */
const scope = 'customer-session';

/** The HttpOnly cookie the portal's pages carry the session in (the JSON API takes Authorization: Bearer). */
export const customerCookie = 'rapport_portal';

/** A customer session token: signed by Rapport with its signing secret, expiring at `expiresAt`. */
export const signCustomerSession = (customer: CustomerCaller, expiresAt: Date) =>
  signLink({ t: customer.tenantId, c: customer.contactId, s: customer.sessionId, v: customer.sessionVersion }, scope, expiresAt);

/** The customer a session token names, or undefined when it is malformed, tampered, signed for something else or expired. */
export const verifyCustomerSession = async (token: string, now: Date): Promise<CustomerCaller | undefined> => {
  const value = await verifyLink<{ t?: unknown; c?: unknown; s?: unknown; v?: unknown }>(token, scope, now);
  if (!value) return undefined;
  const { t, c, s, v } = value;
  if (typeof t !== 'string' || !tenantPattern.test(t) || typeof c !== 'string' || typeof s !== 'string' || typeof v !== 'number')
    return undefined;
  return { tenantId: t, contactId: c, sessionId: s, sessionVersion: v };
};

const cookieValue = (event: Event, name: string): string | undefined => {
  const header = [...(event.cookies ?? []), ...(event.headers.cookie ?? '').split(';')];
  for (const pair of header) {
    const [key, ...rest] = pair.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
};

/**
 * The customer of a request: the bearer token, or on pages for people the
 * session cookie. 401 without a valid one; 403 when the path names another tenant.
 */
export const customerFrom = async (event: Event, { cookie }: { cookie: boolean }): Promise<CustomerCaller> => {
  const bearer = /^Bearer\s+(\S+)$/i.exec(event.headers.authorization ?? '')?.[1];
  const token = bearer ?? (cookie ? cookieValue(event, customerCookie) : undefined);
  if (!token) throw new Problem(401, 'Unauthorized', 'send a customer session token: Authorization: Bearer <token>');
  const customer = await verifyCustomerSession(token, clock().now());
  if (!customer) throw new Problem(401, 'Unauthorized', 'the customer session token is not valid or has expired; sign in again');
  const tenant = event.pathParameters?.tenant;
  if (tenant !== undefined && tenant !== customer.tenantId)
    throw new Problem(403, 'Forbidden', 'the session belongs to another tenant than the one in the path');
  return customer;
};
