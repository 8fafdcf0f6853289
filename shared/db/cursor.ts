import { createHmac, timingSafeEqual } from 'node:crypto';
import { getSigningSecret } from '../config.ts';
import { invalid } from '../errors.ts';

type Key = Record<string, unknown>;

const sign = (secret: string, scope: string, payload: string) =>
  createHmac('sha256', secret).update(`${scope}\n${payload}`).digest('base64url');

/**
 * Opaque, signed page cursors. The scope names the query (tenant, partition and
 * filter), so a cursor only resumes the listing that produced it: a tampered or
 * foreign cursor is a 400, never a DynamoDB error.
 */
export const encodeCursor = async (key: Key | undefined, scope: string): Promise<string | undefined> => {
  if (!key) return undefined;
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return `${payload}.${sign(await getSigningSecret(), scope, payload)}`;
};

export const decodeCursor = async (cursor: string | undefined, scope: string): Promise<Key | undefined> => {
  if (cursor === undefined) return undefined;
  const bad = invalid('the cursor is not valid for this listing', { 'query.cursor': ['invalid or expired cursor'] });
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length) throw bad;
  const expected = Buffer.from(sign(await getSigningSecret(), scope, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw bad;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Key;
};
