import { clock } from '../../shared/ports/clock.ts';
import { messages } from '../../shared/ports/messages.ts';
import { scheduler } from '../../shared/ports/scheduler.ts';
import { activityRepository } from '../activities/repository.ts';
import { recordActivity } from '../activities/timeline.ts';
import { companyRepository } from '../companies/repository.ts';
import { contactRepository } from '../contacts/repository.ts';
import { messageStore } from './message-store.ts';
import type { SendOutcome, SendRequest } from './schemas.ts';
import { createSender } from './sender.ts';
import { settingsStore } from './settings.ts';
import { suppressionStore } from './suppression-store.ts';
import { templateStore } from './template-store.ts';

export type { SendOutcome, SendRequest } from './schemas.ts';

const findContact = (tenantId: string, id: string) => contactRepository.get(tenantId, id, true);

const sender = createSender({
  store: messageStore,
  contact: findContact,
  company: (tenantId, id) => companyRepository.get(tenantId, id),
  recentOrders: (tenantId, contactId) => contactRepository.recentOrders(tenantId, contactId),
  templates: templateStore,
  settings: (tenantId) => settingsStore.get(tenantId),
  suppressed: (tenantId, channel, address) => suppressionStore.has(tenantId, channel, address),
  timeline: async (tenantId, contactId, entry, contact) => {
    // The first try uses the contact the send read; a retry reads it again.
    let seen: typeof contact | undefined = contact;
    const lookup = async (t: string, id: string) => {
      const found = seen ?? (await findContact(t, id));
      seen = undefined;
      return found;
    };
    await recordActivity(activityRepository, lookup, tenantId, contactId, entry, 'messaging', { engages: false });
  },
  messages,
  scheduler,
  clock,
});

/**
 * Sends one message to one contact under the tenant's contact-pressure
 * policy (consent, suppression, quiet hours, frequency caps). The same
 * dedupeKey never sends twice. Every sender in the product goes through here.
 */
export const sendMessage = (request: SendRequest): Promise<SendOutcome> => sender.send(request);

/** Sends a message deferred by quiet hours; functions/messaging/scheduled.ts calls it. */
export const resumeDeferred = (tenantId: string, messageId: string) => sender.resume(tenantId, messageId);
