import * as z from 'zod';
import { publicRoute } from '../../shared/http/access.ts';
import { defineRoutes } from '../../shared/http/route.ts';

export const platformRoutes = defineRoutes('platform', {
  health: { method: 'GET', path: '/health', summary: 'Liveness', roles: publicRoute, response: z.object({ status: z.literal('ok') }) },
  openApi: { method: 'GET', path: '/openapi.json', summary: 'This API as an OpenAPI 3.1 document', roles: publicRoute },
});
