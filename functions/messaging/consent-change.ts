import { contactRepository } from '../contacts/repository.ts';
import type { Contact, ContactPatch } from '../contacts/schemas.ts';
import { contactService } from '../contacts/service.ts';

const contacts = contactService(contactRepository);

export type ConsentChange = NonNullable<ContactPatch['consent']>;

/**
 * Changes a contact's consent through the contacts service, which keeps each
 * change's source and time in the consent history and emits contact.updated.
 * `actor` names who changed it (the unsubscribe page, an SMS keyword).
 */
export const changeConsent = async (tenantId: string, contactId: string, consent: ConsentChange, actor: string): Promise<Contact> =>
  (await contacts.updateContact(
    { params: { id: contactId }, query: undefined, body: { consent } },
    { tenantId, userId: actor, roles: ['admin'] },
  )) as Contact;
