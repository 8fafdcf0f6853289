import { eventHandler } from '../../shared/events/subscriber.ts';
import { activitiesApi } from '../activities/api.ts';
import { surveyRepository } from './repository.ts';
import { responseToTimeline } from './timeline.ts';

/** Answers go on the timeline; a deleted contact's survey sends go with it. */
export const handler = eventHandler('surveys', {
  'contact.deleted': (event) => surveyRepository.deleteContactSurveys(event.tenantId, event.data.contactId),
  'survey.responded': responseToTimeline(surveyRepository, activitiesApi.record),
});
