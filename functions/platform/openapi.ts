import { OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import type { Route } from '../../shared/http/route.ts';

const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.record(z.string(), z.array(z.string())).optional(),
});

const problems = (route: Route) => {
  const codes = ['400', '429'];
  if (route.roles.length) codes.push('401', '403');
  if (route.path.includes('{')) codes.push('404');
  if (route.method === 'POST' || route.method === 'PUT') codes.push('409');
  if (route.method === 'PATCH' || route.method === 'DELETE' || route.method === 'PUT') codes.push('412');
  return Object.fromEntries(codes.map((c) => [c, { description: 'Problem', content: { 'application/problem+json': { schema: problem } } }]));
};

/** The OpenAPI 3.1 document of the whole API, generated from the route catalog's zod schemas. */
export const openApiDocument = (routes: Route[]) => {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const route of routes) {
    const status = String(route.status ?? (route.method === 'POST' ? 201 : 200));
    registry.registerPath({
      method: route.method.toLowerCase() as 'get',
      path: route.path,
      operationId: route.op,
      summary: route.summary,
      tags: [route.context],
      description: route.roles.length ? `Roles: ${route.roles.join(', ')}` : 'Public',
      security: route.roles.length ? [{ bearer: [] }] : [],
      request: {
        params: route.params as z.ZodObject | undefined,
        query: route.query as z.ZodObject | undefined,
        body: route.body
          ? { content: { 'application/json': { schema: route.body }, ...(route.accepts === 'form' ? { 'application/x-www-form-urlencoded': { schema: route.body } } : {}) } }
          : undefined,
        headers: route.method === 'POST' ? z.object({ 'Idempotency-Key': z.string().max(255).optional() }) : undefined,
      },
      responses: {
        [status]: route.produces
          ? { description: 'Success', content: { [route.produces]: { schema: z.string() } } }
          : route.response
            ? { description: 'Success', content: { 'application/json': { schema: route.response } } }
            : { description: 'Success' },
        ...problems(route),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Rapport CRM API', version: '1.0.0', description: 'Contacts, companies and their timeline. Errors are RFC 9457 problem+json.' },
  });
};
