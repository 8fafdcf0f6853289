import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { errors } from 'jose';
import { Problem, problemResponse } from '../../shared/http/problem.ts';
import type { Route } from '../../shared/http/route.ts';
import type { Invoke } from './functions.ts';
import { httpApiEvent, type ReceivedRequest } from './http-event.ts';
import { acceptRawUtf8 } from './raw-utf8.ts';
import { routeMatcher } from './route-match.ts';
import { verifyDevToken } from './token.ts';

export interface GatewayOptions {
  routes: readonly Pick<Route, 'method' | 'path' | 'context' | 'roles'>[];
  tokenSecret: string;
  /** Where tokenSecret is kept, named in the 401 for a token signed with another key. */
  tokenSecretSource?: string;
  invoke: Invoke;
  port: number;
  /** Interface to listen on: loopback unless HOST says otherwise (e.g. 0.0.0.0 to reach it from a phone). */
  host?: string;
  onError: (error: unknown) => void;
  /** Local-only routes ('GET /dev/…') answered by the runtime itself, without a token; they do not exist on AWS. */
  devRoutes?: Record<string, DevRoute>;
}

/** A local-only route: the query and the body as received. */
export type DevRoute = (request: { query: URLSearchParams; body: Buffer }) => APIGatewayProxyResultV2 | Promise<APIGatewayProxyResultV2>;

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

/** Bodies beyond this are refused before any function runs; handlers apply their own, smaller limit. */
const maxBodyBytes = 1024 * 1024;
/** API Gateway gives up on an integration after 30 s. */
const integrationTimeoutMs = 29_000;

class TooLarge extends Error {}

/** Reads the whole body even past the limit, so the client can finish sending and read the 413. */
const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => (size > maxBodyBytes ? reject(new TooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });

const unauthorized = (detail: string): APIGatewayProxyResultV2 => {
  const response = problemResponse(new Problem(401, 'Unauthorized', detail));
  return {
    ...response,
    headers: { ...response.headers, 'www-authenticate': `Bearer error="invalid_token", error_description="${detail}"` },
  };
};

/** What the handlers echo as X-Correlation-Id; the gateway's own answers (401, 404, 405, 413) carry it too. */
const correlationId = (req: IncomingMessage, requestId: string) => String(req.headers['x-correlation-id'] ?? requestId).slice(0, 128);

/** API Gateway's reading of a payload 2.0 response: a bare value becomes a 200 JSON body. */
const writeResult = (res: ServerResponse, result: APIGatewayProxyResultV2, requestId: string, correlation: string) => {
  const structured = typeof result === 'object' && result !== null && 'statusCode' in result;
  if (!structured) {
    res.writeHead(200, { 'content-type': 'application/json', 'apigw-requestid': requestId, 'x-correlation-id': correlation });
    return res.end(typeof result === 'string' ? result : JSON.stringify(result));
  }
  const headers: Record<string, string | number | string[]> = { 'apigw-requestid': requestId, 'x-correlation-id': correlation };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
};

/**
 * The local API Gateway HTTP API: routes from the catalog, the JWT authorizer
 * checking dev tokens, and the payload 2.0 event handed to the context's handler.
 */
export const startGateway = async ({
  routes,
  tokenSecret,
  tokenSecretSource = 'its configuration',
  invoke,
  port,
  host = process.env.HOST ?? '127.0.0.1',
  onError,
  devRoutes = {},
}: GatewayOptions): Promise<Gateway> => {
  const match = routeMatcher(routes);

  const respond = async (req: IncomingMessage, requestId: string): Promise<APIGatewayProxyResultV2> => {
    const receivedAt = new Date();
    const url = req.url ?? '/';
    const rawPath = url.split('?')[0]!;
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (!(error instanceof TooLarge)) throw error;
      return problemResponse(new Problem(413, 'Payload too large', `the body exceeds ${maxBodyBytes} bytes`), rawPath);
    }
    const dev = devRoutes[`${req.method} ${rawPath}`];
    if (dev) return dev({ query: new URLSearchParams(url.slice(rawPath.length + 1)), body });
    const found = match(req.method ?? 'GET', rawPath);
    if (!found.found) {
      if (!found.allowedMethods.length)
        return problemResponse(new Problem(404, 'Not found', `no route matches ${req.method} ${rawPath}`), rawPath);
      const response = problemResponse(
        new Problem(405, 'Method not allowed', `${rawPath} accepts ${found.allowedMethods.join(', ')}`),
        rawPath,
      );
      return { ...response, headers: { ...response.headers, allow: found.allowedMethods.join(', ') } };
    }

    let claims: Awaited<ReturnType<typeof verifyDevToken>> | undefined;
    if (found.route.roles.length) {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer) return unauthorized('send a token: Authorization: Bearer <token>');
      try {
        claims = await verifyDevToken(tokenSecret, bearer);
      } catch (error) {
        if (error instanceof errors.JWTExpired) return unauthorized('the token has expired');
        if (error instanceof errors.JWSSignatureVerificationFailed)
          return unauthorized(
            `the token was signed with a key this server does not know; its key is in ${tokenSecretSource}: sign tokens with the same RAPPORT_DATA_DIR`,
          );
        return unauthorized('the token is not valid');
      }
    }

    const received: ReceivedRequest = {
      method: req.method ?? 'GET',
      url,
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      protocol: `HTTP/${req.httpVersion}`,
      port: req.socket.localPort ?? 0,
    };
    const event = httpApiEvent(received, found, { requestId, receivedAt }, claims);
    return (await invoke(found.route.context, 'handler', event, integrationTimeoutMs)) as APIGatewayProxyResultV2;
  };

  const http = createServer((req, res) => {
    const requestId = randomUUID();
    track(req, res);
    respond(req, requestId)
      .catch((error: unknown) => {
        onError(error);
        return problemResponse(new Problem(500, 'Internal error', 'the function failed; see the runtime log'));
      })
      .then((result) => writeResult(res, result, requestId, correlationId(req, requestId)))
      .catch(onError);
  });
  // What the parser still refuses (a request pipelined with raw UTF-8, a broken request line) gets a problem, not an empty 400.
  http.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const { statusCode, headers, body } = problemResponse(
      new Problem(
        400,
        'Malformed request',
        `the request could not be parsed (${error.code ?? error.message}); percent-encode characters outside ASCII in the URL`,
      ),
    );
    const head = Object.entries({
      ...headers,
      'content-length': Buffer.byteLength(body!),
      connection: 'close',
      'x-correlation-id': randomUUID(),
    }).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.end(`HTTP/1.1 ${statusCode} Bad Request\r\n${head.join('')}\r\n${body}`);
  });
  const { server, track, close } = acceptRawUtf8(http);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${bound}`,
    close,
  };
};
