import type { Contact } from '../contacts/api.ts';
import type { Segment } from './schemas.ts';

/** Whether a contact the sweep found inactive belongs to a schedule-triggered journey's segment. */
export const inSegment = (contact: Pick<Contact, 'lifecycleStage' | 'tags'>, segment: Segment): boolean =>
  (!segment.lifecycleStages || segment.lifecycleStages.includes(contact.lifecycleStage)) &&
  (!segment.tags || segment.tags.some((t) => contact.tags.includes(t)));
