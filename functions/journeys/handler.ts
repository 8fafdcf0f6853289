import { httpHandler } from '../../shared/http/handler.ts';
import { settingsStore } from '../messaging/settings.ts';
import { suppressionStore } from '../messaging/suppression-store.ts';
import { checkTemplate, storeTemplate } from '../messaging/templates.ts';
import { journeyRepository } from './repository.ts';
import { journeyRoutes } from './routes.ts';
import { journeyService } from './service.ts';

// Template records only: the journey API never sends nor compiles, so it carries neither the sender (SES, SNS, Scheduler) nor liquidjs.
export const handler = httpHandler(
  journeyRoutes,
  journeyService({
    repo: journeyRepository,
    checkTemplate,
    createTemplate: async (body, ctx) => (await storeTemplate(ctx.tenantId, body)).id,
    messaging: {
      settings: (tenantId) => settingsStore.get(tenantId),
      suppressed: (tenantId, channel, address) => suppressionStore.has(tenantId, channel, address),
    },
  }),
);
