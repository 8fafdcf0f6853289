import middy, { type MiddlewareObj } from '@middy/core';
import type { Context, APIGatewayProxyEventV2WithJWTAuthorizer as Event, APIGatewayProxyStructuredResultV2 as Result } from 'aws-lambda';
import { maxBodyBytes } from '../config.ts';
import { systemActor, userActor } from '../domain/actor.ts';
import { withTrace } from '../events/trace.ts';
import { logger } from '../logger.ts';
import { authorize, type Caller, callerFrom } from './auth.ts';
import { type CustomerCaller, customerFrom } from './customer.ts';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from './idempotency.ts';
import { locationOf } from './location.ts';
import { fieldErrors, Problem, problemResponse, toProblem, validationProblem } from './problem.ts';
import { Reply } from './reply.ts';
import type { Route, Routes, ServiceFor } from './route.ts';

interface Resolved {
  route: Route;
  caller?: Caller;
  customer?: CustomerCaller;
  input: { params: unknown; query: unknown; body: unknown; ifMatch?: number; customer?: CustomerCaller };
  rawBody: string;
  idempotencyKey?: string;
  /** Set once this request holds its Idempotency-Key: only then may a failure release it. */
  claimedKey?: boolean;
}
type HttpContext = Context & { rapport?: Resolved };
type Request = middy.Request<Event, Result, Error, HttpContext>;

const parseWith = (schema: Route['body'], value: unknown, root: string) => {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationProblem(fieldErrors(parsed.error, root));
  return parsed.data;
};

/** Form routes take what browsers and mail clients post: url-encoded or multipart (RFC 8058 one-click unsubscribe). */
const readForm = async (raw: string, type: string): Promise<unknown> => {
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return Object.fromEntries(new URLSearchParams(raw));
  try {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    return Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string'));
  } catch {
    throw new Problem(400, 'Malformed form', 'the multipart body could not be read');
  }
};

const readBody = async (event: Event, route: Route): Promise<{ raw: string; value: unknown; form?: true }> => {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw) > maxBodyBytes) throw new Problem(413, 'Payload too large', `the body exceeds ${maxBodyBytes} bytes`);
  if (!route.body) return { raw, value: undefined };
  const type = event.headers['content-type'] ?? '';
  if (route.accepts === 'form' && /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type))
    return { raw, value: await readForm(raw, type), form: true };
  if (raw && !/^application\/(.+\+)?json\b/i.test(type))
    throw new Problem(415, 'Unsupported media type', 'send the body as application/json');
  try {
    return { raw, value: raw ? JSON.parse(raw) : undefined };
  } catch {
    throw new Problem(400, 'Malformed JSON', 'the body is not valid JSON');
  }
};

/** If-Match carries the version from a previous ETag: "3" or W/"3". */
const readIfMatch = (header: string | undefined): number | undefined => {
  if (!header || header.trim() === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  if (!match) throw new Problem(412, 'Precondition failed', 'If-Match does not name a version of this resource');
  return Number(match[1]);
};

/** A customer page's sign-in path, its {params} filled from the request's path. */
const signInPath = (template: string, event: Event) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(event.pathParameters?.[name] ?? ''));

/**
 * The customer of a customer route: the session token verified, then still
 * current (options.customerSession, e.g. not revoked). A page for people
 * without one is redirected to its sign-in page instead of refused.
 */
const resolveCustomer = async (
  event: Event,
  route: Route,
  options: HandlerOptions,
): Promise<{ customer: CustomerCaller } | { redirect: Result }> => {
  try {
    const customer = await customerFrom(event, { cookie: route.produces === 'text/html' });
    if (options.customerSession && !(await options.customerSession(customer)))
      throw new Problem(401, 'Unauthorized', 'the customer session has ended (signed out); sign in again');
    return { customer };
  } catch (error) {
    if (!route.signIn || !(error instanceof Problem) || error.status !== 401) throw error;
    return { redirect: { statusCode: 303, headers: { location: signInPath(route.signIn, event), 'cache-control': 'no-store' }, body: '' } };
  }
};

/** Finds the route, checks the caller's role, validates every part of the request. */
const resolveRequest = (byKey: Map<string, Route>, options: HandlerOptions): MiddlewareObj<Event, Result, Error, HttpContext> => ({
  before: async (request: Request) => {
    const { event } = request;
    const route = byKey.get(event.routeKey);
    if (!route) throw new Problem(404, 'Not found', `no route ${event.routeKey}`);
    const caller = route.roles.length ? callerFrom(event) : undefined;
    if (caller) {
      authorize(caller, route.roles);
      logger.appendKeys({ tenantId: caller.tenantId });
    }
    let customer: CustomerCaller | undefined;
    if (route.audience === 'customer') {
      const resolved = await resolveCustomer(event, route, options);
      if ('redirect' in resolved) return resolved.redirect;
      customer = resolved.customer;
      logger.appendKeys({ tenantId: customer.tenantId });
    }
    const { raw, value, form } = await readBody(event, route);
    request.context.rapport = {
      route,
      caller,
      customer,
      rawBody: raw,
      idempotencyKey: route.method === 'POST' ? event.headers['idempotency-key'] : undefined,
      input: {
        params: parseWith(route.params, event.pathParameters ?? {}, 'path'),
        query: parseWith(route.query, event.queryStringParameters ?? {}, 'query'),
        body: parseWith(route.body, value, 'body'),
        ifMatch: readIfMatch(event.headers['if-match']),
        // Public routes see who is asking (rate limits) and how (a browser form post is answered with a redirect).
        ...(!caller && {
          client: { ip: event.requestContext.http.sourceIp, formPost: !!form, headers: { ...event.headers }, rawBody: raw },
        }),
        ...(customer && { customer }),
      },
    };
    return undefined;
  },
});

/**
 * Whose Idempotency-Key space a request uses: the tenant's. A customer's key is
 * also bound to the customer (in the fingerprint), so a key another customer
 * used gets 422 and never that customer's stored answer.
 */
const idempotencyScope = (r: Resolved) => {
  if (r.caller) return { tenantId: r.caller.tenantId, op: r.route.op };
  if (r.customer) return { tenantId: r.customer.tenantId, op: `${r.route.op}#${r.customer.contactId}` };
  return undefined;
};

const idempotentPosts = (): MiddlewareObj<Event, Result, Error, HttpContext> => ({
  before: async (request: Request) => {
    const r = request.context.rapport;
    const scope = r && idempotencyScope(r);
    if (!r?.idempotencyKey || !scope) return undefined;
    const replay = await claimIdempotencyKey(scope.tenantId, r.idempotencyKey, scope.op, r.rawBody);
    r.claimedKey = !replay;
    return replay;
  },
  after: async (request: Request) => {
    const r = request.context.rapport;
    const scope = r && idempotencyScope(r);
    if (r?.idempotencyKey && scope && request.response) await completeIdempotencyKey(scope.tenantId, r.idempotencyKey, request.response);
  },
  onError: async (request: Request) => {
    const r = request.context.rapport;
    const scope = r && idempotencyScope(r);
    if (r?.claimedKey && r.idempotencyKey && scope) await releaseIdempotencyKey(scope.tenantId, r.idempotencyKey);
  },
});

/** The caller's X-Correlation-Id, or API Gateway's request id: in every log line and echoed on every response. */
const correlationId = (event: Event) => (event.headers['x-correlation-id'] ?? event.requestContext.requestId).slice(0, 128);

const withCorrelation = (event: Event, response: Result): Result => ({
  ...response,
  headers: { ...response.headers, 'x-correlation-id': correlationId(event) },
});

const problemResponses = (): MiddlewareObj<Event, Result, Error, HttpContext> => ({
  onError: (request: Request) => {
    const problem = toProblem(request.error);
    if (problem && problem.status >= 500) logger.error('request failed', { error: request.error });
    if (!problem) logger.error('unhandled error', { error: request.error as Error });
    const shown = problem ?? new Problem(500, 'Internal error', 'something went wrong on our side; the request may be retried');
    return problemResponse(shown, request.event.rawPath);
  },
});

const correlate = (): MiddlewareObj<Event, Result, Error, HttpContext> => ({
  before: (request: Request) => {
    logger.resetKeys();
    logger.addContext(request.context);
    logger.appendKeys({ correlationId: correlationId(request.event), route: request.event.routeKey });
  },
});

const render = (route: Route, result: unknown): Result => {
  const reply = result instanceof Reply ? result : new Reply(route.status ?? (route.method === 'POST' ? 201 : 200), result);
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.status === 204) return { statusCode: 204, headers };
  if (typeof reply.body === 'string' && headers['content-type']) return { statusCode: reply.status, headers, body: reply.body };
  const body = reply.body as { version?: unknown } | undefined;
  if (body && typeof body.version === 'number') headers.etag = `"${body.version}"`;
  if (reply.status === 201 && route.location) headers.location = locationOf(route.location, reply.body as Record<string, unknown>);
  return {
    statusCode: reply.status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(reply.body ?? null),
  };
};

export interface RequestContext extends Caller {}

export interface HandlerOptions {
  /** On customer routes, after the token verified: whether its session still holds (not signed out). */
  customerSession?: (customer: CustomerCaller) => Promise<boolean>;
}

/**
 * The HTTP pipeline every bounded context shares: correlation id, problem+json
 * errors, route + role + schema checks, Idempotency-Key, then one service call.
 */
export const httpHandler = <R extends Routes>(routes: R, service: ServiceFor<R, RequestContext>, options: HandlerOptions = {}) => {
  const byKey = new Map(Object.values(routes).map((r) => [`${r.method} ${r.path}`, r]));
  const pipeline = middy<Event, Result, Error, HttpContext>()
    .use(correlate())
    .use(problemResponses())
    .use(resolveRequest(byKey, options))
    .use(idempotentPosts())
    .handler(async (event, context) => {
      const { route, caller, customer, input } = context.rapport!;
      const operation = service[route.op as keyof R] as (request: unknown, ctx: unknown) => Promise<unknown>;
      const actor = caller ? userActor(caller.userId) : customer ? systemActor('customer', customer.contactId) : systemActor('public');
      const trace = { actor, correlationId: correlationId(event) };
      return render(route, await withTrace(trace, () => operation(input, caller)));
    });
  // Outside the middleware stack: an early return (an idempotent replay) skips every `after`, and it must carry the id too.
  return async (event: Event, context: Context): Promise<Result> => withCorrelation(event, await pipeline(event, context));
};
