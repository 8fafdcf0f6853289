import { brokenLink, escapeHtml, pageRenderer } from '../../shared/http/html-page.ts';
import type { Contact } from '../contacts/api.ts';
import type { SendChannel } from './schemas.ts';

/** What a contact may choose on the preference page; transactional messages are not a choice. */
export const choicePurposes = ['marketing', 'surveys'] as const;
export type ChoicePurpose = (typeof choicePurposes)[number];

const channelTitles: Record<SendChannel, string> = { email: 'Email', sms: 'Text messages (SMS)' };
const purposeLabels: Record<ChoicePurpose, string> = { marketing: 'News, offers and updates', surveys: 'Surveys about your experience' };

export interface ChoiceGroup {
  channel: SendChannel;
  address: string;
  choices: { purpose: ChoicePurpose; granted: boolean }[];
}

/** a•••@example.com: enough to recognise, not enough to harvest if the link is forwarded. */
const maskEmail = (email: string) => email.replace(/^(.).*(@.*)$/u, '$1•••$2');
const maskPhone = (phone: string) => `•••• ${phone.slice(-4)}`;

/** The channels the contact can be reached on, with the current choice per purpose. */
export const choiceGroups = (contact: Contact): ChoiceGroup[] => {
  const reachable: [SendChannel, string | undefined][] = [
    ['email', contact.email && maskEmail(contact.email)],
    ['sms', contact.phone && maskPhone(contact.phone)],
  ];
  return reachable.flatMap(([channel, address]) =>
    address
      ? [
          {
            channel,
            address,
            choices: choicePurposes.map((purpose) => ({ purpose, granted: contact.consent[channel]?.[purpose]?.granted === true })),
          },
        ]
      : [],
  );
};

export const fieldName = (channel: SendChannel, purpose: ChoicePurpose) => `${channel}.${purpose}`;

const page = pageRenderer(`
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; padding: 1rem; background: #f6f7f9; color: #1d2330; }
  main { max-width: 32rem; margin: 0 auto; background: #fff; border-radius: 12px; padding: 1.25rem 1.5rem; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  h1 { font-size: 1.35rem; margin: 0 0 .5rem; }
  fieldset { border: 1px solid #dde1e7; border-radius: 8px; margin: 1rem 0; padding: .5rem 1rem; }
  legend { font-weight: 600; padding: 0 .25rem; }
  label { display: flex; gap: .75rem; align-items: center; min-height: 44px; cursor: pointer; }
  input[type=checkbox] { flex: none; width: 1.25rem; height: 1.25rem; margin: 0; }
  .address { margin: 0; color: #5b6474; font-size: .9rem; }
  .actions { display: flex; flex-wrap: wrap; gap: .75rem; margin-top: 1rem; }
  button { font: inherit; min-height: 44px; padding: 0 1.25rem; border-radius: 8px; border: 1px solid #2b59c3; background: #2b59c3; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #2b59c3; }
  [role=status] { background: #e8f5ec; border-radius: 8px; padding: .75rem 1rem; }
`);

const groupHtml = (group: ChoiceGroup) => `
<fieldset>
  <legend>${channelTitles[group.channel]}</legend>
  <p class="address">${escapeHtml(group.address)}</p>
  ${group.choices
    .map(
      (c) =>
        `<label><input type="checkbox" name="${fieldName(group.channel, c.purpose)}"${c.granted ? ' checked' : ''}> ${purposeLabels[c.purpose]}</label>`,
    )
    .join('\n  ')}
</fieldset>`;

/**
 * The preference page. The form posts back to the page's own address
 * (action=""), so it works under any stage path; a hidden field tells a form
 * post from an RFC 8058 one-click POST.
 */
export const preferencePage = (groups: ChoiceGroup[], saved = false) =>
  page(
    200,
    'Your message preferences',
    `<h1>Your message preferences</h1>
${saved ? '<p role="status">Your choices are saved. You can change them again below at any time.</p>' : '<p>Choose what we may send you. Messages about your orders and account still reach you.</p>'}
<form method="post" action="">
  <input type="hidden" name="form" value="preferences">
  ${groups.map(groupHtml).join('\n')}
  <div class="actions">
    <button type="submit">Save my choices</button>
    <button type="submit" class="secondary" name="all" value="off">Unsubscribe from all</button>
  </div>
</form>`,
  );

export const oneClickDonePage = () =>
  page(200, 'Unsubscribed', '<h1>You are unsubscribed</h1><p role="status">We will not send you these emails any more.</p>');

export const linkExpiredPage = () =>
  page(
    404,
    'Link not valid',
    '<h1>This link is not valid any more</h1><p>It may have expired. Use the link in our most recent message to manage your preferences.</p>',
  );

export const brokenLinkPage = () => page(brokenLink.status, brokenLink.title, `<h1>${brokenLink.title}</h1><p>${brokenLink.message}</p>`);
