import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../infra/local/gateway.ts';
import type { Invoke } from '../../infra/local/functions.ts';
import { signDevToken } from '../../infra/local/token.ts';

const secret = 'gateway-test-secret';
const invoked: { context: string; event: APIGatewayProxyEventV2WithJWTAuthorizer }[] = [];

// Stands in for the Lambda: answers with what it was given.
const echo = (async (context: string, _kind: string, event: APIGatewayProxyEventV2WithJWTAuthorizer) => {
  invoked.push({ context, event });
  if (event.rawPath === '/boom') throw new Error('handler crashed');
  return { statusCode: 200, headers: { 'Content-Type': 'application/json', 'X-Route': event.routeKey }, cookies: ['s=1', 't=2'], body: JSON.stringify(event.requestContext.authorizer?.jwt.claims ?? null) };
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

const get = (path: string, token?: string) => fetch(`${gateway.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

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
    expect(await res.json()).toMatchObject({ 'custom:tenant': 'acme', 'cognito:groups': '[sales admin]', sub: 'user-7', iss: 'rapport-local', aud: 'rapport' });
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
