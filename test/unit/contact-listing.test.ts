import { describe, expect, it } from 'vitest';
import { contactListing, contactMatches } from '../../functions/contacts/listing.ts';
import { contactFixture } from '../support/domain.ts';

const contact = contactFixture;

describe('contact listings', () => {
  it('reads the most selective index and keeps every other filter', () => {
    const listing = contactListing({ tag: 'vip', ownerId: 'u1' }, 'Bob Sm');
    expect(listing.source).toEqual({ kind: 'name', prefix: 'bob' });
    expect(listing.accept(contact({ firstName: 'Bob', lastName: 'Smith', tags: ['vip'], ownerId: 'u1' }))).toBe(true);
    expect(listing.accept(contact({ firstName: 'Bob', lastName: 'Smith', tags: ['vip'], ownerId: 'u2' }))).toBe(false);
    expect(listing.accept(contact({ firstName: 'Bob', lastName: 'Jones', tags: ['vip'], ownerId: 'u1' }))).toBe(false);
    expect(contactListing({ tag: 'vip', lifecycleStage: 'customer' }).source).toEqual({ kind: 'tag', tag: 'vip' });
    expect(contactListing({ ownerId: 'u1', lifecycleStage: 'customer', sort: '-createdAt' }).source).toEqual({
      kind: 'owner',
      ownerId: 'u1',
      order: 'desc',
    });
    expect(contactListing({ updatedSince: '2026-01-01T00:00:00.000Z' }).source).toEqual({
      kind: 'updated',
      since: '2026-01-01T00:00:00.000Z',
      order: 'asc',
    });
    expect(contactListing({}).source).toEqual({ kind: 'all', order: 'asc' });
  });

  it('folds the name query like the index', () => {
    expect(contactListing({}, 'ZOË').source).toEqual({ kind: 'name', prefix: 'zoe' });
    expect(contactMatches({ name: ['zo', 'dup'] })(contact({ firstName: 'Zoë', lastName: 'Dupré' }))).toBe(true);
  });

  it('refuses the update feed with another filter, and a sort of name or tag results, naming the parameters', () => {
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return Object.keys((error as { extra: { errors: object } }).extra.errors).sort();
      }
      return [];
    };
    expect(refused(() => contactListing({ updatedSince: '2026-01-01T00:00:00.000Z', companyId: '01J00000000000000000000000' }))).toEqual([
      'query.companyId',
      'query.updatedSince',
    ]);
    expect(refused(() => contactListing({ sort: 'updatedAt' }, 'bob'))).toEqual(['query.q', 'query.sort']);
    expect(refused(() => contactListing({ sort: 'createdAt', tag: 'vip' }))).toEqual(['query.sort', 'query.tag']);
    expect(refused(() => contactListing({ updatedSince: '2026-01-01T00:00:00.000Z', sort: '-createdAt' }))).toEqual([
      'query.sort',
      'query.updatedSince',
    ]);
    expect(refused(() => contactListing({ updatedSince: '2026-01-01T00:00:00.000Z', sort: '-updatedAt' }))).toEqual([]);
    expect(refused(() => contactListing({ sort: '-updatedAt' }))).toEqual([]);
  });
});
