import { eventHandler } from '../../shared/events/subscriber.ts';
import { activityRepository } from './repository.ts';

/** A deleted contact's timeline goes with it. */
export const handler = eventHandler('activities', {
  'contact.deleted': (event) => activityRepository.deleteContactTimeline(event.tenantId, event.data.contactId),
});
