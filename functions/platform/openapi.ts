import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { customerCookie } from '../../shared/http/customer.ts';
import type { Route } from '../../shared/http/route.ts';
import { isIdempotent, responseHeaders, responsesOf, takesIfMatch } from './openapi-responses.ts';

const requestHeaders = (route: Route) => {
  const shape = {
    ...(isIdempotent(route)
      ? {
          'Idempotency-Key': z
            .string()
            .regex(/^[\x21-\x7e]{1,255}$/)
            .optional()
            .meta({ description: 'Makes a retry safe: the same key and body get the first answer again (24 h)' }),
        }
      : {}),
    ...(takesIfMatch(route)
      ? {
          'If-Match': z
            .string()
            .optional()
            .meta({ description: 'The ETag read earlier ("3"): the change applies only to that version, else 412' }),
        }
      : {}),
  };
  return Object.keys(shape).length ? z.object(shape) : undefined;
};

/** Staff routes take the JWT; customer routes the customer session (pages also its cookie); public ones nothing. */
const securityOf = (route: Route): Record<string, string[]>[] => {
  if (route.roles.length) return [{ bearer: [] }];
  if (route.audience !== 'customer') return [];
  return route.produces === 'text/html' ? [{ customer: [] }, { customerCookie: [] }] : [{ customer: [] }];
};

/** A page of a named type is named too: ContactPage, not an inline { items, nextCursor }. */
const pages = new Map<string, z.ZodType>();
const named = (schema: Route['response']) => {
  if (!(schema instanceof z.ZodObject) || !(schema.shape.items instanceof z.ZodArray)) return schema;
  const item = z.globalRegistry.get(schema.shape.items.element)?.id;
  if (!item) return schema;
  if (!pages.has(item)) pages.set(item, schema.meta({ id: `${item}Page` }));
  return pages.get(item);
};

/** The OpenAPI 3.1 document of the whole API, generated from the route catalog's zod schemas. */
export const openApiDocument = (routes: Route[]) => {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  registry.registerComponent('securitySchemes', 'customer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A self-service portal customer session token (POST /portal/{tenant}/session), scoped to one tenant and one contact',
  });
  registry.registerComponent('securitySchemes', 'customerCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: customerCookie,
    description: "The portal pages' HttpOnly session cookie, set when a sign-in link is followed",
  });
  for (const [name, header] of Object.entries(responseHeaders)) registry.registerComponent('headers', name, header);
  for (const route of routes) {
    registry.registerPath({
      method: route.method.toLowerCase() as Lowercase<Route['method']>,
      path: route.path,
      operationId: route.op,
      summary: route.summary,
      tags: [route.context],
      description: route.roles.length ? `Roles: ${route.roles.join(', ')}` : route.audience === 'customer' ? 'Customer' : 'Public',
      security: securityOf(route),
      request: {
        params: route.params as z.ZodObject | undefined,
        query: route.query as z.ZodObject | undefined,
        body: route.body
          ? {
              required: true,
              content: {
                'application/json': { schema: route.body },
                ...(route.accepts === 'form' ? { 'application/x-www-form-urlencoded': { schema: route.body } } : {}),
              },
            }
          : undefined,
        headers: requestHeaders(route),
      },
      responses: responsesOf({ ...route, response: named(route.response) }),
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Rapport CRM API',
      version: '1.0.0',
      description: 'Contacts, companies and their timeline. Errors are RFC 9457 problem+json.',
      contact: { name: 'Rapport', url: 'https://rapport.dev' },
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: '/', description: 'This deployment: the API Gateway stage or the local runtime that served this document' }],
    tags: [...new Set(routes.map((r) => r.context))].map((name) => ({ name, description: `Served by the ${name} function` })),
  });
};
