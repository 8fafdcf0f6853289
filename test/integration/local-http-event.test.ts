import { describe, expect, it } from 'vitest';
import { httpApiEvent, type ReceivedRequest } from '../../infra/local/http-event.ts';
import { routeMatcher } from '../../infra/local/route-match.ts';

const receivedAt = new Date('2026-03-12T19:03:58.123Z');

const request = (overrides: Partial<ReceivedRequest> = {}): ReceivedRequest => ({
  method: 'POST',
  url: '/contacts/01J%2Fx%20y/notes?tag=a&tag=b&q=%E5%BC%A0+3&flag',
  rawHeaders: [
    'Host',
    'localhost:3000',
    'Content-Type',
    'application/json',
    'X-Trace',
    'one',
    'x-trace',
    'two',
    'Cookie',
    'a=1; b=2',
    'User-Agent',
    'curl/8',
  ],
  body: Buffer.from('{"text":"张伟"}'),
  sourceIp: '127.0.0.1',
  protocol: 'HTTP/1.1',
  port: 3000,
  ...overrides,
});

describe('the local gateway builds the HTTP API payload 2.0 event', () => {
  it('renders every field as API Gateway does, with the JWT authorizer claims as strings', () => {
    const event = httpApiEvent(
      request(),
      { routeKey: 'POST /contacts/{id}/notes', pathParameters: { id: '01J/x y' } },
      { requestId: 'req-1', receivedAt },
      { sub: 'user-1', 'custom:tenant': 'acme', 'cognito:groups': ['sales', 'admin'], exp: 1773342238, iss: 'rapport-local' },
    );

    expect(event).toEqual({
      version: '2.0',
      routeKey: 'POST /contacts/{id}/notes',
      rawPath: '/contacts/01J%2Fx%20y/notes',
      rawQueryString: 'tag=a&tag=b&q=%E5%BC%A0+3&flag',
      cookies: ['a=1', 'b=2'],
      headers: {
        host: 'localhost:3000',
        'content-type': 'application/json',
        'x-trace': 'one,two',
        'user-agent': 'curl/8',
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-port': '3000',
        'x-forwarded-proto': 'http',
      },
      queryStringParameters: { tag: 'a,b', q: '张+3', flag: '' },
      pathParameters: { id: '01J/x y' },
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: {
          jwt: {
            claims: { sub: 'user-1', 'custom:tenant': 'acme', 'cognito:groups': '[sales admin]', exp: '1773342238', iss: 'rapport-local' },
            scopes: null,
          },
        },
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: { method: 'POST', path: '/contacts/01J%2Fx%20y/notes', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8' },
        requestId: 'req-1',
        routeKey: 'POST /contacts/{id}/notes',
        stage: '$default',
        time: '12/Mar/2026:19:03:58 +0000',
        timeEpoch: receivedAt.getTime(),
      },
      body: '{"text":"张伟"}',
      isBase64Encoded: false,
    });
  });

  it('leaves out what the request does not have: no authorizer on public routes, no query, no cookies, no body', () => {
    const event = httpApiEvent(
      request({ method: 'GET', url: '/health', rawHeaders: ['Host', 'localhost:3000'], body: Buffer.alloc(0) }),
      { routeKey: 'GET /health', pathParameters: {} },
      { requestId: 'req-2', receivedAt },
    );
    expect(event.rawQueryString).toBe('');
    expect(event.isBase64Encoded).toBe(false);
    for (const absent of ['cookies', 'queryStringParameters', 'pathParameters', 'body']) expect(event).not.toHaveProperty(absent);
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });

  it('base64-encodes bodies that are not text', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x10]);
    const event = httpApiEvent(
      request({ rawHeaders: ['Content-Type', 'application/octet-stream'], body: bytes }),
      { routeKey: 'POST /contacts/{id}/notes', pathParameters: { id: 'x' } },
      { requestId: 'req-3', receivedAt },
    );
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64')).toEqual(bytes);
  });
});

describe('route matching', () => {
  const match = routeMatcher([
    { method: 'GET', path: '/contacts/{id}' },
    { method: 'DELETE', path: '/contacts/{id}' },
    { method: 'GET', path: '/contacts/search' },
    { method: 'GET', path: '/files/{path+}' },
  ]);

  it('prefers a static segment over a variable one and decodes path parameters', () => {
    expect(match('GET', '/contacts/search')).toMatchObject({ found: true, routeKey: 'GET /contacts/search' });
    expect(match('GET', '/contacts/a%20b')).toMatchObject({ found: true, routeKey: 'GET /contacts/{id}', pathParameters: { id: 'a b' } });
    expect(match('GET', '/files/a/b/c.txt')).toMatchObject({ found: true, pathParameters: { path: 'a/b/c.txt' } });
  });

  it('tells a path no route has from a method the path does not accept', () => {
    expect(match('GET', '/nothing')).toEqual({ found: false, allowedMethods: [] });
    expect(match('PUT', '/contacts/1')).toEqual({ found: false, allowedMethods: ['GET', 'DELETE'] });
  });
});
