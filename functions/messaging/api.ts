import type { TransactItem } from '../../shared/db/transact.ts';
import type { Contact } from '../contacts/api.ts';
import { addressOf, decide } from './policy.ts';
import type { MessagingSettings, SendChannel, SendOutcome, SendRequest, TemplateInput } from './schemas.ts';
import { sendMessage } from './send.ts';
import { settingsStore } from './settings.ts';
import { suppressionStore } from './suppression-store.ts';
import { templateLiveCondition, templateUseItem } from './template-use.ts';
import { checkTemplate, storeTemplate } from './templates.ts';

export type { CapCounter } from './policy.ts';
export type {
  Content,
  MessagingSettings,
  Purpose,
  SendChannel,
  SendOutcome,
  SendRequest,
  SkipReason,
  Template,
  TemplateInput,
} from './schemas.ts';

/** What other contexts may ask of messaging. Every outbound email and SMS of the product goes through `send`. */
export const messagingApi = {
  /**
   * Sends one message to one contact under the tenant's contact-pressure
   * policy (consent, suppression, quiet hours, frequency caps). The same
   * dedupeKey never sends twice.
   */
  send: (request: SendRequest): Promise<SendOutcome> => sendMessage(request),
  settings: ({ tenantId }: { tenantId: string }): Promise<MessagingSettings> => settingsStore.get(tenantId),
  isSuppressed: ({ tenantId, channel, address }: { tenantId: string; channel: SendChannel; address: string }): Promise<boolean> =>
    suppressionStore.has(tenantId, channel, address),
  /** The policy a send would apply, without sending: for a journey's dry run. */
  policy: { addressOf: addressOf as (contact: Contact, channel: SendChannel) => string | undefined, decide },
  templates: {
    /** undefined when the template exists for the channel, else why not. */
    check: ({ tenantId, templateId, channel }: { tenantId: string; templateId: string; channel: SendChannel }) =>
      checkTemplate(tenantId, templateId, channel),
    /** Stores known-good starter content as a new template (a built-in journey's install). */
    install: ({ tenantId, template }: { tenantId: string; template: TemplateInput }) => storeTemplate(tenantId, template),
    /**
     * A journey's reference to a template it sends, stored beside the template
     * while the journey is active or paused: a template in use cannot be deleted.
     */
    useItem: templateUseItem,
    /** Transaction condition for a new reference: the template exists and no delete of it is under way. */
    liveCondition: (tenantId: string, templateId: string): TransactItem => templateLiveCondition(tenantId, templateId),
  },
};
export type MessagingApi = typeof messagingApi;
