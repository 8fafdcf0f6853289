import { createHmac, timingSafeEqual } from 'node:crypto';
import { getSigningSecret } from '../config.ts';

const mac = (secret: string, scope: string, payload: string) =>
  createHmac('sha256', secret).update(`${scope}\n${payload}`).digest('base64url');

/**
 * `payload.signature`, both base64url: the HMAC covers a scope (what the value
 * is for), so a value signed for one purpose is refused for another.
 */
export const sign = async (value: unknown, scope: string): Promise<string> => {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${payload}.${mac(await getSigningSecret(), scope, payload)}`;
};

/** The signed value, or undefined when the token is malformed, tampered or signed for another scope. */
export const verify = async <T>(token: string, scope: string): Promise<T | undefined> => {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length) return undefined;
  const expected = Buffer.from(mac(await getSigningSecret(), scope, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
};

/** A signed link token that stops working at `expiresAt`. */
export const signLink = (value: Record<string, unknown>, scope: string, expiresAt: Date) =>
  sign({ ...value, exp: Math.floor(expiresAt.getTime() / 1000) }, scope);

export const verifyLink = async <T extends Record<string, unknown>>(token: string, scope: string, now: Date): Promise<T | undefined> => {
  const value = await verify<T & { exp?: number }>(token, scope);
  return value && typeof value.exp === 'number' && value.exp * 1000 > now.getTime() ? value : undefined;
};
