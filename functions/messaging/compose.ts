import { config } from '../../shared/config.ts';
import type { Email, Sms } from '../../shared/ports/messages.ts';
import type { Company } from '../companies/api.ts';
import type { Contact, OrderSummary } from '../contacts/api.ts';
import { renderContent } from './liquid.ts';
import type { Content, MessagingSettings, Purpose, SendChannel } from './schemas.ts';
import { unsubscribeUrl } from './unsubscribe-link.ts';

export interface ComposeInput {
  tenantId: string;
  messageId: string;
  channel: SendChannel;
  purpose: Purpose;
  content: Content;
  variables?: Record<string, unknown>;
  contact: Contact;
  company?: Company;
  recentOrders: OrderSummary[];
  to: string;
  settings: MessagingSettings;
  now: Date;
}

export type Outgoing = { channel: 'email'; email: Email } | { channel: 'sms'; sms: Sms };

/** Used when neither the tenant nor MAIL_FROM names a sender, as in the embedded runtime. */
const fallbackFrom = 'Rapport <no-reply@localhost>';

/** The contact as templates see it: everything but the consent trail. */
const contactVariable = ({ consentHistory: _, ...contact }: Contact) => contact;

/**
 * Renders the message for its recipient. Templates see `contact`, `company`
 * (when linked), `recentOrders` (the latest five, newest first) and
 * `unsubscribeUrl`, after the caller's own variables, which cannot override them.
 */
export const compose = async (input: ComposeInput): Promise<Outgoing> => {
  const { tenantId, messageId, contact, purpose, now } = input;
  const link = await unsubscribeUrl({ tenantId, contactId: contact.id, purpose: purpose === 'surveys' ? 'surveys' : 'marketing' }, now);
  const variables = {
    ...input.variables,
    contact: contactVariable(contact),
    company: input.company,
    recentOrders: input.recentOrders,
    unsubscribeUrl: link,
  };
  const rendered = await renderContent(input.content, variables);

  if (input.channel === 'sms') {
    if (!rendered.body?.trim()) throw new Error('the SMS body is empty');
    return { channel: 'sms', sms: { to: input.to, body: rendered.body } };
  }
  if (!rendered.subject?.trim()) throw new Error('the email subject is empty');
  if (!rendered.html && !rendered.text) throw new Error('the email has neither html nor text');
  return {
    channel: 'email',
    email: {
      to: input.to,
      from: input.settings.from ?? config.MAIL_FROM ?? fallbackFrom,
      subject: rendered.subject.replace(/\s+/g, ' ').trim(),
      html: rendered.html,
      text: rendered.text,
      // RFC 8058 one-click unsubscribe on everything but transactional mail.
      headers:
        purpose === 'transactional'
          ? undefined
          : { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      configurationSet: config.SES_CONFIGURATION_SET,
      // SES echoes these in its events, which is how they find the message again.
      tags: { [sesTags.tenant]: tenantId, [sesTags.message]: messageId },
    },
  };
};

export const sesTags = { tenant: 'rapport-tenant', message: 'rapport-message' } as const;
