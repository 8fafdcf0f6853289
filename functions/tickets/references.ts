import { DomainError } from '../../shared/errors.ts';
import { actingAs } from '../../shared/events/trace.ts';
import { type Contact, contactsApi } from '../contacts/api.ts';
import type { ContactView, TicketReferences } from './service.ts';

const view = (c: Contact): ContactView => ({
  id: c.id,
  ownerId: c.ownerId,
  companyId: c.companyId,
  lifecycleStage: c.lifecycleStage,
  tags: c.tags,
  attributes: c.attributes,
});

/** Contacts as tickets use them: reads, and the email dedupe (find, else create; a racing create finds the winner). */
export const ticketReferences: TicketReferences = {
  async contact(tenantId, contactId) {
    const c = await contactsApi.get({ tenantId, contactId });
    return c && view(c);
  },
  async contactForEmail(tenantId, { email, firstName, lastName }, actor) {
    const found = await contactsApi.findByEmail({ tenantId, email });
    if (found) return view(found);
    try {
      return view(await actingAs(actor, () => contactsApi.create({ tenantId, input: { email, firstName, lastName }, actor })));
    } catch (error) {
      if (!(error instanceof DomainError && error.kind === 'conflict')) throw error;
      const winner = await contactsApi.findByEmail({ tenantId, email });
      if (!winner) throw error;
      return view(winner);
    }
  },
};
