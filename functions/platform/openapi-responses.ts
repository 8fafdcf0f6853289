import type { ZodContentObject as ContentObject, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import type { Route } from '../../shared/http/route.ts';
import { problem } from './openapi-schemas.ts';

const text = (description: string, schema: { pattern?: string; enum?: string[] } = {}) => ({
  description,
  schema: { type: 'string' as const, ...schema },
});

/** Response headers the pipeline sets (shared/http/handler.ts, idempotency.ts), as components. */
export const responseHeaders = {
  'X-Correlation-Id': text("The caller's X-Correlation-Id, or the gateway's request id"),
  ETag: text('The version of the item, for If-Match: "3"', { pattern: '^"[0-9]+"$' }),
  Location: text('Where the created item can be read'),
  'Idempotent-Replayed': text('true when this is the stored answer to an earlier request with the same Idempotency-Key', {
    enum: ['true'],
  }),
};

const header = (name: keyof typeof responseHeaders) => ({ [name]: { $ref: `#/components/headers/${name}` } });

/** A POST by a signed-in caller (staff or customer) goes through Idempotency-Key handling. */
export const isIdempotent = (route: Route) => route.method === 'POST' && (route.roles.length > 0 || route.audience === 'customer');
export const takesIfMatch = (route: Route) => ['PATCH', 'PUT', 'DELETE'].includes(route.method) && route.ifMatch !== false;
const hasField = (schema: Route['response'], field: string) => schema instanceof z.ZodObject && field in schema.shape;

/** Why the pipeline or the service can refuse this route, by status. */
const refusals = (route: Route): Record<number, string> => {
  const why: Record<number, string> = {};
  if (route.params || route.query || route.body || isIdempotent(route))
    why[400] = 'The request has invalid fields (errors names them) or malformed JSON';
  if (route.roles.length) {
    why[401] = 'No valid bearer token';
    why[403] = `The caller's role is not one of ${route.roles.join(', ')}`;
  } else if (route.unauthorized) why[401] = `Unauthorized: ${route.unauthorized}`;
  if (route.audience === 'customer') {
    if (!route.signIn) why[401] = 'No valid customer session token, or the session was signed out';
    if (route.path.includes('{tenant}')) why[403] = "The path's tenant is not the customer session's";
  }
  if (route.path.includes('{') || route.notFound)
    why[404] = route.notFound ? `Not found: ${route.notFound}` : 'Nothing at this path for the tenant';
  const conflicts = [route.conflict, isIdempotent(route) && 'a request with this Idempotency-Key is still in progress'].filter(Boolean);
  if (conflicts.length) why[409] = `Conflict: ${conflicts.join('; or ')}`;
  if (takesIfMatch(route)) why[412] = 'If-Match names a version other than the current one';
  if (route.body) {
    why[413] = 'The body is larger than the API accepts';
    why[415] = route.accepts === 'form' ? 'The body is neither JSON nor a form' : 'The body is not application/json';
  }
  const unprocessable = [route.unprocessable, isIdempotent(route) && 'the Idempotency-Key was used with a different request'].filter(
    Boolean,
  );
  if (unprocessable.length) why[422] = `Unprocessable: ${unprocessable.join('; or ')}`;
  why[429] = 'Too many requests: retry later';
  return why;
};

const success = (route: Route, status: number, description: string): ResponseConfig => {
  const headers = {
    ...header('X-Correlation-Id'),
    ...(hasField(route.response, 'version') ? header('ETag') : {}),
    // shared/http/handler.ts render(): a POST's 201 names the created item when it has an id.
    ...(status === 201 && route.method === 'POST' && hasField(route.response, 'id') ? header('Location') : {}),
    ...(isIdempotent(route) ? header('Idempotent-Replayed') : {}),
  };
  if (status === 204) return { description, headers };
  if (route.produces) return { description, headers, content: { [route.produces]: { schema: z.string() } } };
  return { description, headers, content: { 'application/json': { schema: route.response ?? z.unknown() } } };
};

/** The pipeline refuses in problem+json; a page for people (produces) also refuses with a page of its own. */
const refusalContent = (route: Route): ContentObject => ({
  'application/problem+json': { schema: problem },
  ...(route.produces ? { [route.produces]: { schema: z.string() } } : {}),
});

/** The success status a route answers by default: what shared/http/handler.ts renders. */
export const defaultStatus = (route: Route) => route.status ?? (route.method === 'POST' ? 201 : 200);

/** Every status the route can answer, derived from the pipeline it runs through and what its catalog entry declares. */
export const responsesOf = (route: Route): Record<string, ResponseConfig> => {
  const ok = {
    [defaultStatus(route)]: 'Success',
    ...(route.signIn && { 303: `No valid customer session: redirected to the sign-in page (${route.signIn})` }),
    ...route.alsoAnswers,
  };
  const answers: Record<string, ResponseConfig> = {};
  for (const [status, description] of Object.entries(ok)) answers[status] = success(route, Number(status), description);
  for (const [status, description] of Object.entries(refusals(route))) {
    answers[status] = { description, headers: header('X-Correlation-Id'), content: refusalContent(route) };
  }
  return answers;
};
