import { connect } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invoke } from '../../infra/local/functions.ts';
import { type Gateway, startGateway } from '../../infra/local/gateway.ts';
import { signDevToken } from '../../infra/local/token.ts';

const secret = 'gateway-test-secret';
const invoked: { context: string; event: APIGatewayProxyEventV2WithJWTAuthorizer }[] = [];

// Stands in for the Lambda: answers with what it was given.
const echo = (async (context: string, _kind: string, event: APIGatewayProxyEventV2WithJWTAuthorizer) => {
  invoked.push({ context, event });
  if (event.rawPath === '/boom') throw new Error('handler crashed');
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'X-Route': event.routeKey },
    cookies: ['s=1', 't=2'],
    body: JSON.stringify(event.requestContext.authorizer?.jwt.claims ?? null),
  };
}) as Invoke;

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startGateway({
    routes: [
      { method: 'GET', path: '/things/{id}', context: 'things', roles: ['sales'] },
      { method: 'POST', path: '/things', context: 'things', roles: ['sales'] },
      { method: 'GET', path: '/open', context: 'platform', roles: [] },
      { method: 'GET', path: '/boom', context: 'platform', roles: [] },
    ],
    tokenSecret: secret,
    tokenSecretSource: '/data/secrets.json',
    invoke: echo,
    port: 0,
    onError: () => {},
  });
});
afterAll(() => gateway.close());

const get = (path: string, token?: string) =>
  fetch(`${gateway.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

const expectProblem = async (res: Response, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(await res.json()).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
};

describe('the local JWT authorizer', () => {
  it('passes a valid dev token on, with its claims as API Gateway renders them', async () => {
    const token = await signDevToken(secret, { tenant: 'acme', roles: ['sales', 'admin'], sub: 'user-7' });
    const res = await get('/things/42', token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      'custom:tenant': 'acme',
      'cognito:groups': '[sales admin]',
      sub: 'user-7',
      iss: 'rapport-local',
      aud: 'rapport',
    });
  });

  it('answers 401 problem+json for a missing, expired, wrongly signed or foreign token, without calling the handler', async () => {
    const before = invoked.length;
    const expired = await signDevToken(secret, { tenant: 'acme', roles: ['sales'], ttl: -60 });
    const wrongSecret = await signDevToken('another-secret', { tenant: 'acme', roles: ['sales'] });
    const foreignIssuer = await new SignJWT({ 'custom:tenant': 'acme' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('someone-else')
      .setAudience('rapport')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    for (const token of [undefined, 'not-a-jwt', expired, wrongSecret, foreignIssuer]) {
      const res = await get('/things/42', token);
      await expectProblem(res, 401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    }
    expect((await get('/things/42', expired)).headers.get('www-authenticate')).toContain('expired');
    expect(((await (await get('/things/42', wrongSecret)).json()) as { detail: string }).detail).toBe(
      'the token was signed with a key this server does not know; its key is in /data/secrets.json: sign tokens with the same RAPPORT_DATA_DIR',
    );
    expect(invoked.length).toBe(before);
  });

  it('lets public routes through without a token', async () => {
    const res = await get('/open');
    expect(res.status).toBe(200);
    expect(await res.json()).toBeNull();
  });
});

describe('the local gateway', () => {
  it('writes the handler result: status, headers and cookies', async () => {
    const res = await get('/open');
    expect(res.headers.get('x-route')).toBe('GET /open');
    expect(res.headers.getSetCookie()).toEqual(['s=1', 't=2']);
    expect(res.headers.get('apigw-requestid')).toBe(invoked.at(-1)!.event.requestContext.requestId);
    expect(invoked.at(-1)!.context).toBe('platform');
  });

  it('answers 404 for an unknown path and 405 with Allow for a known path and another method', async () => {
    await expectProblem(await get('/nowhere'), 404);
    const res = await fetch(`${gateway.url}/open`, { method: 'DELETE' });
    expect(res.headers.get('allow')).toBe('GET');
    await expectProblem(res, 405);
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const token = await signDevToken(secret, { tenant: 'acme', roles: ['sales'] });
    const res = await fetch(`${gateway.url}/things`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ blob: 'x'.repeat(1024 * 1024) }),
    });
    await expectProblem(res, 413);
  });

  it('answers 500 problem+json when the handler throws', async () => {
    await expectProblem(await get('/boom'), 500);
  });
});

/** Sends bytes as they are, as curl does with `curl 'localhost:3000/things?q=王小'`: no client percent-encodes them first. */
const rawRequest = (head: string, keepAlive = false): Promise<{ status: number; headers: string; body: string }> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(gateway.url);
    const socket = connect(Number(port), hostname, () =>
      socket.write(Buffer.from(`${head}\r\nHost: local\r\nConnection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`, 'utf8')),
    );
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('end', () => {
      const [headers = '', body = ''] = received.split('\r\n\r\n');
      resolve({ status: Number(headers.split(' ')[1]), headers: headers.toLowerCase(), body });
    });
    socket.on('error', reject);
  });

describe('raw UTF-8 in the URL', () => {
  it('decodes it as UTF-8, as API Gateway does, in the query and in the path', async () => {
    const res = await rawRequest('GET /open?q=王小&tag=café HTTP/1.1');
    expect(res.status).toBe(200);
    expect(invoked.at(-1)!.event.queryStringParameters).toEqual({ q: '王小', tag: 'café' });
    expect((await rawRequest('GET /things/王小 HTTP/1.1')).status).toBe(401);
  });

  it('keeps bodies byte for byte and encodes each request line of a kept-alive connection', async () => {
    const token = await signDevToken(secret, { tenant: 'acme', roles: ['sales'] });
    const { hostname, port } = new URL(gateway.url);
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    const answered = async (count: number) => {
      while (received.split('HTTP/1.1 200').length <= count) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const body = '{"name":"王小 ✓"}';
    const head = `Host: local\r\nAuthorization: Bearer ${token}\r\n`;
    socket.write(
      `POST /things HTTP/1.1\r\n${head}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await answered(1);
    expect(invoked.at(-1)!.event.body).toBe(body);
    socket.write(`GET /things/王小 HTTP/1.1\r\n${head}\r\n`);
    await answered(2);
    expect(invoked.at(-1)!.event.pathParameters).toEqual({ id: '王小' });
    socket.write(`GET /things/小王 HTTP/1.1\r\n${head}\r\n`);
    await answered(3);
    expect(invoked.at(-1)!.event.pathParameters).toEqual({ id: '小王' });
    socket.destroy();
  });

  it('answers problem+json, not an empty 400, to a request line the parser refuses', async () => {
    const res = await rawRequest('GET /open?q=a\u0001b HTTP/1.1');
    expect(res.status).toBe(400);
    expect(res.headers).toContain('content-type: application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status: 400, title: 'Malformed request' });
  });
});

describe('X-Correlation-Id on the gateway’s own answers', () => {
  it('echoes it on 401, 404 and 405, or supplies one', async () => {
    const sent = { 'x-correlation-id': 'trace-gw' };
    expect((await fetch(`${gateway.url}/things/42`, { headers: sent })).headers.get('x-correlation-id')).toBe('trace-gw');
    expect((await fetch(`${gateway.url}/nowhere`, { headers: sent })).headers.get('x-correlation-id')).toBe('trace-gw');
    expect((await fetch(`${gateway.url}/open`, { method: 'DELETE', headers: sent })).headers.get('x-correlation-id')).toBe('trace-gw');
    const unnamed = await fetch(`${gateway.url}/nowhere`);
    expect(unnamed.headers.get('x-correlation-id')).toBe(unnamed.headers.get('apigw-requestid'));
  });
});
