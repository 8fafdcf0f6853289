import type { Contact } from './schemas.ts';

/** What contact.created and contact.updated carry about the contact. */
export const contactEventData = (c: Contact) => ({
  contactId: c.id,
  email: c.email,
  phone: c.phone,
  firstName: c.firstName,
  lastName: c.lastName,
  lifecycleStage: c.lifecycleStage,
  ownerId: c.ownerId,
  companyId: c.companyId,
  tags: c.tags,
  consent: c.consent,
});
