import { systemActor } from '../../shared/domain/actor.ts';
import type { Reply } from '../../shared/http/reply.ts';
import { clock } from '../../shared/ports/clock.ts';
import { type Contact, contactsApi } from '../contacts/api.ts';
import { type ConsentChange, changeConsent } from './consent-change.ts';
import { brokenLinkPage, choiceGroups, fieldName, linkExpiredPage, oneClickDonePage, preferencePage } from './preference-page.ts';
import { readUnsubscribeToken, type UnsubscribeTarget } from './unsubscribe-link.ts';

/** Who changes consent from a preference link: the link's page, not a signed-in user. */
const actor = systemActor('unsubscribe-link');

/** The link's target and contact, or the page to show instead: mangled, expired, or the contact is gone. */
const open = async (token: string): Promise<{ target: UnsubscribeTarget; contact: Contact } | { page: Reply }> => {
  const target = await readUnsubscribeToken(token, clock().now());
  if (target === 'invalid') return { page: brokenLinkPage() };
  const contact = target !== 'expired' && (await contactsApi.get({ tenantId: target.tenantId, contactId: target.contactId }));
  return target !== 'expired' && contact ? { target, contact } : { page: linkExpiredPage() };
};

/** The choices the form asks for, as consent changes: only what differs from now; "Unsubscribe from all" clears every box. */
const formChanges = (contact: Contact, fields: Record<string, string>): ConsentChange => {
  const change: Record<string, Record<string, { granted: boolean; source: string }>> = {};
  for (const group of choiceGroups(contact)) {
    for (const choice of group.choices) {
      const wanted = fields.all !== 'off' && fields[fieldName(group.channel, choice.purpose)] === 'on';
      if (wanted !== choice.granted)
        (change[group.channel] ??= {})[choice.purpose] = { granted: wanted, source: wanted ? 'preference-page' : 'unsubscribe-link' };
    }
  }
  return change;
};

/** GET /unsubscribe/{token}: the contact's channels and purposes with their current choices. */
export const showPreferences = async (token: string) => {
  const opened = await open(token);
  return 'page' in opened ? opened.page : preferencePage(choiceGroups(opened.contact));
};

/**
 * POST /unsubscribe/{token}. The preference form (form=preferences) sets each
 * choice; anything else is an RFC 8058 one-click unsubscribe
 * (List-Unsubscribe=One-Click), which withdraws email consent for the
 * purpose the link was made for. Repeating either changes nothing more.
 */
export const changePreferences = async (token: string, fields: Record<string, string> = {}) => {
  const opened = await open(token);
  if ('page' in opened) return opened.page;
  const { target, contact } = opened;
  if (fields.form !== 'preferences') {
    await changeConsent(
      target.tenantId,
      contact.id,
      { email: { [target.purpose]: { granted: false, source: 'unsubscribe-link' } } },
      actor,
    );
    return oneClickDonePage();
  }
  const change = formChanges(contact, fields);
  const updated = Object.keys(change).length ? await changeConsent(target.tenantId, contact.id, change, actor) : contact;
  return preferencePage(choiceGroups(updated), true);
};
