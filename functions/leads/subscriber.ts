import { eventHandler } from '../../shared/events/subscriber.ts';
import { contactsApi } from '../contacts/api.ts';
import { leadReferences } from './references.ts';
import { leadRepository } from './repository.ts';
import type { BehaviourKind } from './schemas.ts';
import { leadService } from './service.ts';

const service = leadService(leadRepository, leadReferences);

/**
 * Behaviour points for what a lead's person does as a contact (an email
 * clicked, an activity logged): the lead is the one holding the contact's
 * email or phone. The event id is the points' ref, so a redelivery scores once.
 */
const score = (kind: BehaviourKind) => async (event: { id: string; tenantId: string; data: { contactId: string } }) => {
  const contact = await contactsApi.get({ tenantId: event.tenantId, contactId: event.data.contactId });
  if (!contact) return;
  for (const [key, value] of [
    ['EMAIL', contact.email],
    ['PHONE', contact.phone],
  ] as const) {
    if (!value) continue;
    const leadId = await leadRepository.leadIdByUnique(event.tenantId, key, value);
    const lead = leadId && (await leadRepository.getLead(event.tenantId, leadId, true));
    if (!lead || lead.status === 'converted') continue;
    await service.addBehaviour(event.tenantId, lead.id, kind, event.id);
    return;
  }
};

export const handler = eventHandler('leads', {
  'message.clicked': score('email_clicked'),
  'activity.logged': score('activity'),
});
