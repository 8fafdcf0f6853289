import { eventHandler } from '../../shared/events/subscriber.ts';
import { taskRepository } from './repository.ts';

/** A deleted contact's tasks go with it. */
export const handler = eventHandler('tasks', {
  'contact.deleted': (event) => taskRepository.deleteContactTasks(event.tenantId, event.data.contactId),
});
