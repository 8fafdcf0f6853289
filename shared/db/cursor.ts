import { sign, verify } from '../crypto/signed.ts';
import { invalid } from '../errors.ts';

type Key = Record<string, unknown>;

/**
 * Opaque, signed page cursors. The scope names the query (tenant, partition and
 * filter), so a cursor only resumes the listing that produced it: a tampered or
 * foreign cursor is a 400, never a DynamoDB error.
 */
export const encodeCursor = async (key: Key | undefined, scope: string): Promise<string | undefined> =>
  key ? sign(key, `cursor:${scope}`) : undefined;

export const decodeCursor = async (cursor: string | undefined, scope: string): Promise<Key | undefined> => {
  if (cursor === undefined) return undefined;
  const key = await verify<Key>(cursor, `cursor:${scope}`);
  if (!key || typeof key !== 'object')
    throw invalid('the cursor is not valid for this listing', { 'query.cursor': ['invalid or expired cursor'] });
  return key;
};
