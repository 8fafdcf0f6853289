import { systemActor } from '../../shared/domain/actor.ts';
import { clock } from '../../shared/ports/clock.ts';
import { messages } from '../../shared/ports/messages.ts';
import { scheduler } from '../../shared/ports/scheduler.ts';
import { activitiesApi } from '../activities/api.ts';
import { companiesApi } from '../companies/api.ts';
import { contactsApi } from '../contacts/api.ts';
import { messageStore } from './message-store.ts';
import type { SendOutcome, SendRequest } from './schemas.ts';
import { createSender } from './sender.ts';
import { settingsStore } from './settings.ts';
import { suppressionStore } from './suppression-store.ts';
import { templateStore } from './template-store.ts';

export type { SendOutcome, SendRequest } from './schemas.ts';

const actor = systemActor('messaging');

const sender = createSender({
  store: messageStore,
  contact: (tenantId, contactId) => contactsApi.get({ tenantId, contactId }),
  company: (tenantId, companyId) => companiesApi.get({ tenantId, companyId }),
  recentOrders: (tenantId, contactId) => contactsApi.recentOrders({ tenantId, contactId }),
  templates: templateStore,
  settings: (tenantId) => settingsStore.get(tenantId),
  suppressed: (tenantId, channel, address) => suppressionStore.has(tenantId, channel, address),
  timeline: async (tenantId, contactId, entry, contact) => {
    await activitiesApi.record({ tenantId, contactId, entry, actor, engages: false, seen: contact });
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
