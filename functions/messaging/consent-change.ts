import type { Actor } from '../../shared/domain/actor.ts';
import { type ConsentChange, type Contact, contactsApi } from '../contacts/api.ts';

export type { ConsentChange } from '../contacts/api.ts';

/**
 * Changes a contact's consent through the contacts API, which keeps each
 * change's source and time in the consent history and emits contact.updated.
 * `actor` names who changed it (the unsubscribe page, an SMS keyword); the
 * change itself names each grant's source.
 */
export const changeConsent = (tenantId: string, contactId: string, consent: ConsentChange, actor: Actor): Promise<Contact> =>
  contactsApi.update({ tenantId, contactId, patch: { consent }, actor });
