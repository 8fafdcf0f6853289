import { isWriteConflict } from '../../shared/db/transact.ts';
import { notFound, unprocessable } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId, stableId } from '../../shared/ports/ids.ts';
import { retry } from '../../shared/retry.ts';
import type { Contact } from '../contacts/api.ts';
import type { ActivityConflict, ActivityRepository } from './repository.ts';
import type { Activity, ActivityInput } from './schemas.ts';

export type ContactLookup = (tenantId: string, contactId: string) => Promise<Contact | undefined>;
const maxAttempts = 3;

/**
 * Adds an entry to a contact's timeline: the HTTP route uses it, and so do
 * other contexts (messages sent, survey answers). One transaction per attempt;
 * a concurrent change to the contact is retried on fresh data. An entry that
 * `engages` (the default: something the contact or a person did with them)
 * moves lastActivityAt / lastEngagedAt; automated outbound mail and its
 * bounces must not, or every campaign would reset the win-back clock.
 * With a `dedupeKey` (what the entry is of: a survey send, an SMS) the entry's
 * id follows from it, so recording the same thing again adds nothing.
 */
export const recordActivity = async (
  repo: ActivityRepository,
  findContact: ContactLookup,
  tenantId: string,
  contactId: string,
  input: ActivityInput,
  authorId: string,
  { engages = true, dedupeKey }: { engages?: boolean; dedupeKey?: string } = {},
): Promise<Activity> => {
  const now = clock().now();
  const occurredAt = input.occurredAt ?? now.toISOString();
  return retry(
    async () => {
      const contact = await findContact(tenantId, contactId);
      if (!contact) throw notFound('contact');
      const activity: Activity = {
        ...input,
        id: dedupeKey ? stableId(new Date(occurredAt), `${tenantId}/${dedupeKey}`) : newId(new Date(occurredAt)),
        contactId,
        companyId: input.companyId ?? contact.companyId,
        occurredAt,
        authorId,
        createdAt: now.toISOString(),
      };
      const event = domainEvent(tenantId, 'activity.logged', {
        activityId: activity.id,
        contactId,
        companyId: activity.companyId,
        type: activity.type,
        channel: activity.channel,
        direction: activity.direction,
        occurredAt,
      });
      try {
        await repo.log(
          tenantId,
          activity,
          engages ? contact : undefined,
          input.companyId !== undefined && input.companyId !== contact.companyId,
          event,
          contact.id,
        );
        return activity;
      } catch (error) {
        if (isWriteConflict<ActivityConflict>(error, 'EXISTS') && dedupeKey) return activity;
        if (isWriteConflict<ActivityConflict>(error, 'COMPANY'))
          throw unprocessable('the company does not exist', { errors: { 'body.companyId': ['no company with this id'] } });
        throw error;
      }
    },
    // The contact changed (or went) since it was read: read it again.
    { attempts: maxAttempts, retryOn: (error) => isWriteConflict<ActivityConflict>(error, 'CONTACT', 'EXISTS') },
  );
};
