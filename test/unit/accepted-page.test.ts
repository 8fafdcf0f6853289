import { beforeAll, describe, expect, it, vi } from 'vitest';

/** A sorted partition served like DynamoDB Query: Limit items after ExclusiveStartKey, LastEvaluatedKey when more may follow. */
const partition = Array.from({ length: 40 }, (_, i) => ({
  PK: 'P',
  SK: `S#${String(i).padStart(3, '0')}`,
  contactId: `c${Math.floor(i / 3)}`,
}));
const reads: number[] = [];
vi.mock('../../shared/db/client.ts', () => ({
  db: () => ({
    send: async ({ input }: { input: { Limit: number; ExclusiveStartKey?: { SK: string } } }) => {
      const from = input.ExclusiveStartKey ? partition.findIndex((i) => i.SK === input.ExclusiveStartKey!.SK) + 1 : 0;
      const Items = partition.slice(from, from + input.Limit);
      reads.push(input.Limit);
      const last = Items.at(-1);
      return { Items, LastEvaluatedKey: last && from + input.Limit < partition.length ? { PK: last.PK, SK: last.SK } : undefined };
    },
  }),
}));

const { acceptedPage } = await import('../../shared/db/accepted-page.ts');

beforeAll(() => {
  process.env.SIGNING_SECRET ??= 'unit-test-secret';
});

describe('pages of accepted items', () => {
  // Three entries per contact; the first of each stands for it, and every fourth contact is filtered out.
  const resolve = async (items: Record<string, unknown>[]) =>
    items.map((i) => {
      const n = Number((i.contactId as string).slice(1));
      return Number((i.SK as string).slice(2)) % 3 === 0 && n % 4 !== 3 ? (i.contactId as string) : undefined;
    });

  it('fills every page but the last and gives each result once', async () => {
    for (const limit of [1, 2, 3, 5, 100]) {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await acceptedPage({ KeyConditionExpression: 'PK = :pk' }, { limit, cursor, scope: 'test' }, resolve);
        pages.push(page.items);
        cursor = page.nextCursor;
      } while (cursor);
      const all = pages.flat();
      expect(all).toEqual(['c0', 'c1', 'c2', 'c4', 'c5', 'c6', 'c8', 'c9', 'c10', 'c12', 'c13']);
      for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
    }
  });

  it('asks for exactly the page size first', async () => {
    reads.length = 0;
    await acceptedPage({ KeyConditionExpression: 'PK = :pk' }, { limit: 4, scope: 'test' }, async (items) => items.map((i) => i.SK));
    expect(reads).toEqual([4]);
  });
});
