import type { z } from 'zod';
import type { CustomerCaller } from './customer.ts';

export const roles = ['admin', 'sales', 'support', 'marketing', 'analyst'] as const;
export type Role = (typeof roles)[number];

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Schema = z.ZodType;

/** One HTTP route: how it is reached, who may call it, what it accepts and answers. */
export interface RouteSpec {
  method: Method;
  path: string;
  summary: string;
  /** Roles allowed; an empty list marks a public route (no token). */
  roles: readonly Role[];
  /**
   * 'customer': a self-service portal route (roles: []). It is public to the
   * staff JWT authorizer; the pipeline verifies the customer session token
   * (Authorization: Bearer, or the session cookie on pages that produce HTML)
   * and hands the service `customer`. 401 without a valid one, 403 when the
   * path's {tenant} is not the token's.
   */
  audience?: 'customer';
  /** On a customer page: where a request without a valid session is redirected (303), {params} filled from the path. */
  signIn?: string;
  params?: Schema;
  query?: Schema;
  body?: Schema;
  response?: Schema;
  /** Success status; 204 sends no body. */
  status?: number;
  /** Body encodings accepted besides JSON: 'form' also takes application/x-www-form-urlencoded (HTML forms). */
  accepts?: 'form';
  /** Success media type when not JSON (pages served to people); the service returns a Reply with the text. */
  produces?: 'text/html';
  /**
   * What the Location header of a 201 names: the path of a GET route of the
   * catalog, each {param} filled from the response body's field of that name,
   * or of the field `fields` maps it to. Every route that can answer 201 has one.
   */
  location?: string | { path: string; fields: Record<string, string> };
  /** Success statuses besides `status`, and when: an upsert's 201, an existing entry's 200. */
  alsoAnswers?: Readonly<Record<number, string>>;
  /** When the service refuses with 409: a uniqueness guard or a state rule (the OpenAPI document declares it). */
  conflict?: string;
  /** When the service answers 404 on a route whose path names nothing (a reference in the body). */
  notFound?: string;
  /** On a public route that authenticates the request itself (a signed webhook): when it answers 401. */
  unauthorized?: string;
  /** When the service refuses with 422: a reference to something that does not exist. */
  unprocessable?: string;
  /** PATCH, PUT and DELETE take If-Match (412 when stale); false for those that keep no version. */
  ifMatch?: false;
}

export interface Route<S extends RouteSpec = RouteSpec> extends RouteSpec {
  /** Bounded context: the Lambda function (functions/<context>/handler.ts) that serves it. */
  context: string;
  /** Operation id: the service function the handler calls, and the OpenAPI operationId. */
  op: string;
  spec: S;
}

export type Routes = Record<string, Route>;

/** Declares a context's routes; the catalog in functions/routes.ts collects them. */
export const defineRoutes = <const T extends Record<string, RouteSpec>>(context: string, specs: T) =>
  Object.fromEntries(Object.entries(specs).map(([op, spec]) => [op, { ...spec, context, op, spec }])) as {
    [K in keyof T]: Route<T[K]> & { op: K };
  };

type Infer<S, K extends keyof RouteSpec> = S extends Record<K, infer Z extends Schema> ? z.output<Z> : undefined;

/** What a service operation receives for a route. */
export type RequestOf<S extends RouteSpec> = RequestParts<S> &
  (S extends { audience: 'customer' }
    ? /** The signed-in customer (tenant and contact), from the session token only. */
      { customer: CustomerCaller }
    : { customer?: undefined });

interface RequestParts<S extends RouteSpec> {
  params: Infer<S, 'params'>;
  query: Infer<S, 'query'>;
  body: Infer<S, 'body'>;
  /** Version from If-Match, when the client sent one. */
  ifMatch?: number;
  /**
   * On public routes: the caller's IP address, whether the body came as a browser form post, and for routes that
   * authenticate the request themselves (a signed webhook) its headers (lower-case names) and the body as sent.
   */
  client?: { ip: string; formPost: boolean; headers?: Record<string, string | undefined>; rawBody?: string };
}

export type ServiceFor<R extends Routes, Ctx> = {
  [K in keyof R]: (request: RequestOf<R[K]['spec']>, ctx: Ctx) => Promise<unknown>;
};
