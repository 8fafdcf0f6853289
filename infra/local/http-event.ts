import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { decode } from './route-match.ts';

/** An HTTP request as the gateway received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as sent, e.g. `/contacts?q=ada`. */
  url: string;
  /** Node's rawHeaders: name, value, name, value… */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  protocol: string;
  /** host:port the server listens on, for x-forwarded-port. */
  port: number;
}

export interface MatchedRoute {
  routeKey: string;
  pathParameters: Record<string, string>;
}

export interface RequestIdentity {
  requestId: string;
  receivedAt: Date;
}

const textType = /^(text\/|application\/([\w.+-]+\+)?(json|xml|javascript|x-www-form-urlencoded)\b)/i;

/** Duplicate headers are joined with commas; cookies move to their own list. */
const collectHeaders = (rawHeaders: string[]) => {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    if (name === 'cookie')
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
};

/** Repeated keys are joined with commas. '+' stays '+': API Gateway only percent-decodes. */
const queryParameters = (rawQuery: string) => {
  const params: Record<string, string> = {};
  for (const pair of rawQuery.split('&').filter(Boolean)) {
    const at = pair.indexOf('=');
    const key = decode(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : decode(pair.slice(at + 1));
    params[key] = key in params ? `${params[key]},${value}` : value;
  }
  return params;
};

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Common Log Format time, as requestContext.time carries it: 12/Mar/2020:19:03:58 +0000. */
export const clfTime = (d: Date) =>
  `${String(d.getUTCDate()).padStart(2, '0')}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${d.toISOString().slice(11, 19)} +0000`;

/** The JWT authorizer hands claims on as strings; arrays become "[a b]". */
export const renderClaims = (payload: JWTPayload): Record<string, string> =>
  Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value),
    ]),
  );

/** Builds the API Gateway HTTP API (payload format 2.0) event Lambda receives for a request. */
export const httpApiEvent = (
  request: ReceivedRequest,
  route: MatchedRoute,
  { requestId, receivedAt }: RequestIdentity,
  claims?: JWTPayload,
): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt < 0 ? '' : request.url.slice(queryAt + 1);
  const { headers, cookies } = collectHeaders(request.rawHeaders);
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-port'] = String(request.port);
  headers['x-forwarded-proto'] = 'http';
  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');
  const binary = !textType.test(headers['content-type'] ?? '');
  const query = queryParameters(rawQueryString);
  const scope = claims?.scope;

  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(route.pathParameters).length ? { pathParameters: route.pathParameters } : {}),
    // The type demands an authorizer, but public routes carry none on AWS either.
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      ...(claims
        ? { authorizer: { jwt: { claims: renderClaims(claims), scopes: typeof scope === 'string' ? scope.split(' ') : null } } }
        : {}),
      domainName,
      domainPrefix: domainName.split('.')[0]!,
      http: {
        method: request.method,
        path: rawPath,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: clfTime(receivedAt),
      timeEpoch: receivedAt.getTime(),
    } as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'],
    ...(request.body.length ? { body: request.body.toString(binary ? 'base64' : 'utf8') } : {}),
    isBase64Encoded: request.body.length > 0 && binary,
  };
};
