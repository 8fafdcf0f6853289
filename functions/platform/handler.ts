import { httpHandler } from '../../shared/http/handler.ts';
import { routes } from '../routes.ts';
import { openApiDocument } from './openapi.ts';
import { platformRoutes } from './routes.ts';

let document: ReturnType<typeof openApiDocument> | undefined;

export const handler = httpHandler(platformRoutes, {
  health: async () => ({ status: 'ok' as const }),
  openApi: async () => (document ??= openApiDocument(routes)),
});
