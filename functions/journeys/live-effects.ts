import { systemActor } from '../../shared/domain/actor.ts';
import { clock } from '../../shared/ports/clock.ts';
import { scheduler } from '../../shared/ports/scheduler.ts';
import { contactsApi } from '../contacts/api.ts';
import { dealsApi } from '../deals/api.ts';
import { messagingApi } from '../messaging/api.ts';
import { surveysApi } from '../surveys/api.ts';
import { tasksApi } from '../tasks/api.ts';
import type { Effects } from './effects.ts';

/** The engine's effects in production and the embedded runtime: the other contexts' APIs. */
export const liveEffects: Effects = {
  now: () => clock().now(),
  contact: (tenantId, contactId) => contactsApi.get({ tenantId, contactId }),
  async openDeals(tenantId, contactId) {
    const deals = await dealsApi.openDealsOf({ tenantId, contactId });
    return deals.map((d) => ({ id: d.id, pipelineId: d.pipelineId, stageId: d.stageId, stageEnteredAt: d.stageEnteredAt }));
  },
  async updateContact(tenantId, contactId, patch, journeyId) {
    await contactsApi.update({ tenantId, contactId, patch, actor: systemActor('journey', journeyId) });
  },
  sendMessage: (request) => messagingApi.send(request),
  sendSurvey: (request) => surveysApi.send(request),
  createTask: (request) => tasksApi.create(request),
  nextBusinessDay: (from, timeZone) => tasksApi.nextBusinessDay({ from, timeZone }),
  schedule: (job) => scheduler().schedule(job),
  cancel: (name) => scheduler().cancel(name),
};
