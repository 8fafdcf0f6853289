import { httpHandler } from '../../shared/http/handler.ts';
import { messagingApi } from '../messaging/api.ts';
import { journeyRepository } from './repository.ts';
import { journeyRoutes } from './routes.ts';
import { journeyService } from './service.ts';

// Template records only: the journey API never sends nor compiles, so it carries neither the sender (SES, SNS, Scheduler) nor liquidjs.
export const handler = httpHandler(
  journeyRoutes,
  journeyService({
    repo: journeyRepository,
    checkTemplate: (tenantId, templateId, channel) => messagingApi.templates.check({ tenantId, templateId, channel }),
    createTemplate: async (template, ctx) => (await messagingApi.templates.install({ tenantId: ctx.tenantId, template })).id,
    messaging: {
      settings: (tenantId) => messagingApi.settings({ tenantId }),
      suppressed: (tenantId, channel, address) => messagingApi.isSuppressed({ tenantId, channel, address }),
    },
  }),
);
