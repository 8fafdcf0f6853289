import { foldText, nameTerms } from '../../shared/domain/normalize.ts';
import { invalid } from '../../shared/errors.ts';
import type { Contact, ContactSearch } from './schemas.ts';
import type { ContactSource } from './sources.ts';

/** What a contact listing reads (one index query) and what it keeps of it. */
export interface ContactListing {
  source: ContactSource;
  accept: (c: Contact) => boolean;
  /** The filters, in the cursor's scope: a cursor resumes only the listing that made it. */
  filterKey: string;
}

type Filters = Omit<ContactSearch, 'limit' | 'cursor' | 'q' | 'phoneRegion'> & { name?: string[] };

/** Every filter given, as one test of a contact: the index picks candidates, this keeps the matches. */
export const contactMatches = (f: Filters) => (c: Contact) =>
  (!f.tag || c.tags.includes(f.tag)) &&
  (!f.companyId || c.companyId === f.companyId) &&
  (!f.ownerId || c.ownerId === f.ownerId) &&
  (!f.lifecycleStage || c.lifecycleStage === f.lifecycleStage) &&
  (!f.updatedSince || c.updatedAt >= f.updatedSince) &&
  (!f.name || f.name.every((word) => nameTerms(c.firstName, c.lastName).some((t) => t.startsWith(word))));

const refuse = (message: string, params: string[]) => invalid(message, Object.fromEntries(params.map((p) => [`query.${p}`, [message]])));

/**
 * Picks the index for a listing: the name prefix, else the tag, company, owner,
 * stage, the update feed, else the whole list; every other filter is applied to
 * what it reads while the page fills. The update order (updatedSince, sort by
 * updatedAt) is a feed of its own and combines with no other filter; name and
 * tag results come in index order, so they take no sort.
 */
export const contactListing = (
  query: Omit<ContactSearch, 'limit' | 'cursor' | 'q' | 'phoneRegion'>,
  nameQuery?: string,
): ContactListing => {
  const name = nameQuery ? foldText(nameQuery).split(' ') : undefined;
  const filters: Filters = { ...query, name };
  const given = (['tag', 'companyId', 'ownerId', 'lifecycleStage'] as const).filter((p) => query[p] !== undefined);
  const narrowing = [...(name ? ['q'] : []), ...given];
  const byUpdate = query.updatedSince !== undefined || query.sort?.endsWith('updatedAt');
  if (byUpdate && narrowing.length) {
    throw refuse('updatedSince and sort=updatedAt list the whole update feed; they combine with no other filter', [
      ...(query.updatedSince ? ['updatedSince'] : ['sort']),
      ...narrowing,
    ]);
  }
  if (query.updatedSince && query.sort && !query.sort.endsWith('updatedAt'))
    throw refuse('updatedSince lists by update time; sort it by updatedAt or -updatedAt', ['updatedSince', 'sort']);
  if (query.sort && (name || query.tag))
    throw refuse('name and tag results come in index order and take no sort', ['sort', name ? 'q' : 'tag']);
  const order = query.sort?.startsWith('-') ? 'desc' : 'asc';
  const source: ContactSource = name
    ? { kind: 'name', prefix: name[0]! }
    : query.tag
      ? { kind: 'tag', tag: query.tag }
      : query.companyId
        ? { kind: 'company', companyId: query.companyId, order }
        : query.ownerId
          ? { kind: 'owner', ownerId: query.ownerId, order }
          : query.lifecycleStage
            ? { kind: 'stage', stage: query.lifecycleStage, order }
            : byUpdate
              ? { kind: 'updated', since: query.updatedSince, order }
              : { kind: 'all', order };
  return { source, accept: contactMatches(filters), filterKey: JSON.stringify(filters) };
};
