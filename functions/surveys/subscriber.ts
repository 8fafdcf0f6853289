import { eventHandler } from '../../shared/events/subscriber.ts';
import { activityRepository } from '../activities/repository.ts';
import { contactRepository } from '../contacts/repository.ts';
import { surveyRepository } from './repository.ts';
import { responseToTimeline } from './timeline.ts';

export const handler = eventHandler({
  'survey.responded': responseToTimeline(surveyRepository, activityRepository, (tenantId, id) => contactRepository.get(tenantId, id, true)),
});
