import { eventHandler } from '../../shared/events/subscriber.ts';
import { activityRepository } from '../activities/repository.ts';
import { contactRepository } from '../contacts/repository.ts';
import { surveyRepository } from './repository.ts';
import { responseToTimeline } from './timeline.ts';

/** Answers go on the timeline; a deleted contact's survey sends go with it. */
export const handler = eventHandler('surveys', {
  'contact.deleted': (event) => surveyRepository.deleteContactSurveys(event.tenantId, String(event.data.contactId)),
  'survey.responded': responseToTimeline(surveyRepository, activityRepository, (tenantId, id) => contactRepository.get(tenantId, id, true)),
});
