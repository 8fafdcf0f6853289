import { type Actor, actorId } from '../../shared/domain/actor.ts';
import { type Contact, contactsApi } from '../contacts/api.ts';
import { activityRepository } from './repository.ts';
import type { Activity, ActivityInput } from './schemas.ts';
import { recordActivity } from './timeline.ts';

export type { Activity, ActivityInput } from './schemas.ts';

/** What other contexts may ask of the timeline. */
export const activitiesApi = {
  /**
   * Adds an entry to a contact's timeline as `actor`. An entry that `engages`
   * (the default) moves the contact's engagement times; with a `dedupeKey`
   * recording the same thing again adds nothing. Throws not found when the
   * contact does not exist. `seen` is the contact as the caller just read it:
   * the first try uses it instead of reading it again, a retry reads afresh.
   */
  record: ({
    tenantId,
    contactId,
    entry,
    actor,
    engages,
    dedupeKey,
    seen,
  }: {
    tenantId: string;
    contactId: string;
    entry: ActivityInput;
    actor: Actor;
    engages?: boolean;
    dedupeKey?: string;
    seen?: Contact;
  }): Promise<Activity> => {
    let firstTry = seen;
    const lookup = async (t: string, id: string) => {
      const found = firstTry ?? (await contactsApi.get({ tenantId: t, contactId: id }));
      firstTry = undefined;
      return found;
    };
    return recordActivity(activityRepository, lookup, tenantId, contactId, entry, actorId(actor), {
      engages,
      dedupeKey,
    });
  },
};
export type ActivitiesApi = typeof activitiesApi;
