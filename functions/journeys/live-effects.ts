import { clock } from '../../shared/ports/clock.ts';
import { scheduler } from '../../shared/ports/scheduler.ts';
import { contactRepository } from '../contacts/repository.ts';
import { contactService } from '../contacts/service.ts';
import { sendMessage } from '../messaging/send.ts';
import { sendSurvey } from '../surveys/send.ts';
import { nextBusinessDay } from '../tasks/business-day.ts';
import { createTask } from '../tasks/create.ts';
import type { Effects } from './effects.ts';

const contacts = contactService(contactRepository);

/** The engine's effects in production and the embedded runtime: the other contexts' own services. */
export const liveEffects: Effects = {
  now: () => clock().now(),
  contact: (tenantId, contactId) => contactRepository.get(tenantId, contactId, true),
  async updateContact(tenantId, contactId, patch, journeyId) {
    await contacts.updateContact(
      { params: { id: contactId }, query: undefined, body: patch },
      { tenantId, userId: `journey:${journeyId}`, roles: ['admin'] },
    );
  },
  sendMessage,
  sendSurvey,
  createTask: async (request) => (await createTask(request)).id,
  nextBusinessDay: (from, timeZone) => nextBusinessDay(from, timeZone),
  schedule: (job) => scheduler().schedule(job),
  cancel: (name) => scheduler().cancel(name),
};
