import { httpHandler } from '../../shared/http/handler.ts';
import { checkTemplate } from '../messaging/send.ts';
import { messagingService } from '../messaging/service.ts';
import { journeyRepository } from './repository.ts';
import { journeyRoutes } from './routes.ts';
import { journeyService } from './service.ts';

export const handler = httpHandler(
  journeyRoutes,
  journeyService({
    repo: journeyRepository,
    checkTemplate,
    createTemplate: async (body, ctx) => ((await messagingService.createTemplate({ params: undefined, query: undefined, body }, ctx)) as { id: string }).id,
  }),
);
