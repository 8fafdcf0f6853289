import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../shared/db/cursor.ts';

beforeAll(() => {
  process.env.SIGNING_SECRET ??= 'unit-test-secret';
});

describe('signed cursors', () => {
  const key = { PK: 'T#acme#C', SK: '01J0000000000000000000000' };

  it('round-trips within the listing that made it', async () => {
    const cursor = await encodeCursor(key, 'T#acme#C');
    expect(await decodeCursor(cursor, 'T#acme#C')).toEqual(key);
  });

  it('refuses a cursor from another listing or tenant', async () => {
    const cursor = await encodeCursor(key, 'T#acme#C');
    await expect(decodeCursor(cursor, 'T#globex#C')).rejects.toMatchObject({ kind: 'validation' });
  });

  it('refuses tampered and garbage cursors', async () => {
    const cursor = (await encodeCursor(key, 's'))!;
    const [payload, sig] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ PK: 'T#other#C', SK: 'x' })).toString('base64url');
    await expect(decodeCursor(`${forged}.${sig}`, 's')).rejects.toMatchObject({ kind: 'validation' });
    await expect(decodeCursor(`${payload}`, 's')).rejects.toMatchObject({ kind: 'validation' });
    await expect(decodeCursor('%%%', 's')).rejects.toMatchObject({ kind: 'validation' });
  });

  it('has no cursor at the end of a listing', async () => {
    expect(await encodeCursor(undefined, 's')).toBeUndefined();
  });
});
