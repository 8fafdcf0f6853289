import { getItem } from './query.ts';
import { labelled, putNew } from './transact.ts';

type Key = { PK: string; SK: string };

/**
 * A guard item that makes a dedupe key (a journey run + step, a provider's
 * message id) create one thing only: written in the same transaction as what
 * it names, so a retry finds the first result instead of making a second.
 */
export const dedupeGuard = <Target extends string>(entity: string, target: Target) => ({
  /** The guard as a transaction item labelled `DEDUPE`: it fails when the key already created something. */
  claim: (key: Key, id: string) => labelled('DEDUPE', putNew({ ...key, entity, [target]: id })),
  /** The id the key created, read strongly consistent; undefined when the key is unused. */
  async createdBy(key: Key): Promise<string | undefined> {
    const guard = await getItem(key, true);
    return guard ? String(guard[target]) : undefined;
  },
});
