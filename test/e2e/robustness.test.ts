import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes.ts';
import { uniqueTenant } from './api-client.ts';
import { useRuntime } from './harness.ts';

const rt = useRuntime();

const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
};

describe('bad input', () => {
  it('answers 4xx problem+json with per-field errors and writes nothing', async () => {
    const api = rt.api(uniqueTenant('bad'), 'admin');
    const cases: [unknown, number, string?][] = [
      [{ email: 'nope' }, 400, 'body.email'],
      [{ phone: '12' }, 400, 'body.phone'],
      [{ firstName: 42 }, 400, 'body.firstName'],
      [{ firstName: 'A', isAdmin: true }, 400, 'body'],
      [{ firstName: 'A', lifecycleStage: 'vip' }, 400, 'body.lifecycleStage'],
      [{ firstName: 'A', timeZone: 'Mars/Olympus' }, 400, 'body.timeZone'],
      [{ firstName: 'A', consent: { fax: { marketing: true } } }, 400],
      [{ firstName: 'A', tags: Array.from({ length: 41 }, (_, i) => `t${i}`) }, 400, 'body.tags'],
      [{}, 400, 'body'],
      [[], 400, 'body'],
      [null, 400, 'body'],
      ['{"firstName": "A",', 400],
      [JSON.stringify({ firstName: 'A', notes: 'x'.repeat(70 * 1024) }), 413],
    ];
    for (const [body, status, field] of cases) {
      const res = await api('POST', '/contacts', body === null ? 'null' : body);
      expectProblem(res, status);
      if (field) expect(Object.keys(res.body.errors ?? {}), JSON.stringify(body).slice(0, 80)).toContain(field);
    }
    expectProblem(await api('POST', '/contacts', 'firstName=A', { 'content-type': 'text/plain' }), 415);
    expectProblem(await api('GET', '/contacts?limit=0'), 400);
    expectProblem(await api('GET', '/contacts?limit=abc'), 400);
    expectProblem(await api('GET', '/contacts?unknown=1'), 400);
    expectProblem(await api('GET', '/contacts/not-a-ulid'), 400);
    expectProblem(await api('PATCH', '/contacts/01ARZ3NDEKTSV4RRFFQ69G5FAV', {}), 400);
    expectProblem(await api('POST', '/contacts/01ARZ3NDEKTSV4RRFFQ69G5FAV/activities', { type: 'fax' }), 400);
    expectProblem(await api('POST', '/contacts/01ARZ3NDEKTSV4RRFFQ69G5FAV/activities', { type: 'note', occurredAt: 'yesterday' }), 400);
    expect((await api('GET', '/contacts')).body.items).toEqual([]);
  });

  it('never answers 5xx to malformed requests on any route', async () => {
    const api = rt.api(uniqueTenant('fuzz'), 'admin');
    const bodies = ['', '{', '"x"', '123', '{"a":{"b":{"c":[1,2,{"d":null}]}}}', '\u0000', JSON.stringify({ email: ['a@b.c'] })];
    for (const route of routes) {
      const path = route.path.replace(/\{[^}]+\}/g, '%E2%98%83');
      for (const body of route.body ? bodies : [undefined]) {
        const res = await api(route.method, `${path}?cursor=%00&limit=-1`, body);
        expect(res.status, `${route.method} ${path} ${body}`).toBeLessThan(500);
      }
    }
  });
});

describe('correlation id', () => {
  it('echoes the caller’s X-Correlation-Id on success and on problems, or supplies one', async () => {
    const api = rt.api(uniqueTenant('corr'), 'sales');
    expect((await api('GET', '/contacts', undefined, { 'x-correlation-id': 'trace-123' })).headers.get('x-correlation-id')).toBe(
      'trace-123',
    );
    expect((await api('GET', '/contacts/nope', undefined, { 'x-correlation-id': 'trace-456' })).headers.get('x-correlation-id')).toBe(
      'trace-456',
    );
    expect((await api('GET', '/contacts')).headers.get('x-correlation-id')).toMatch(/.{8,}/);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response to a retried POST and writes nothing new', async () => {
    const api = rt.api(uniqueTenant('idem'), 'sales');
    const key = { 'idempotency-key': 'order-form-7f3a' };
    const first = await api('POST', '/contacts', { email: 'once@example.com' }, key);
    const retry = await api('POST', '/contacts', { email: 'once@example.com' }, key);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const traced = await api('POST', '/contacts', { email: 'once@example.com' }, { ...key, 'x-correlation-id': 'retry-trace' });
    expect(traced.headers.get('idempotent-replayed')).toBe('true');
    expect(traced.headers.get('x-correlation-id')).toBe('retry-trace');
    expect((await api('GET', '/contacts')).body.items).toHaveLength(1);

    const reused = await api('POST', '/contacts', { email: 'other@example.com' }, key);
    expect(reused.status).toBe(422);
    // Neither the refused reuse nor an invalid body under the same key releases the first result.
    expect((await api('POST', '/contacts', '{"email":', key)).status).toBe(400);
    const later = await api('POST', '/contacts', { email: 'once@example.com' }, key);
    expect(later.body).toEqual(first.body);
    const failed = await api('POST', '/contacts', { email: 'bad' }, { 'idempotency-key': 'k2' });
    expect(failed.status).toBe(400);
    expect((await api('POST', '/contacts', { email: 'fixed@example.com' }, { 'idempotency-key': 'k2' })).status).toBe(201);
  });

  it('scopes keys to the tenant', async () => {
    const key = { 'idempotency-key': 'shared-key' };
    const a = await rt.api(uniqueTenant('idem-a'), 'sales')('POST', '/contacts', { firstName: 'A' }, key);
    const b = await rt.api(uniqueTenant('idem-b'), 'sales')('POST', '/contacts', { firstName: 'A' }, key);
    expect(b.body.id).not.toBe(a.body.id);
  });
});

describe('OpenAPI', () => {
  it('documents every route of the catalog', async () => {
    const res = await rt.anonymous()('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const route of routes) {
      const op = res.body.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toMatchObject({ operationId: route.op });
    }
    expect(res.body.paths['/contacts'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('email');
  });
});

describe('outbox', () => {
  it('delivers each change’s event to the bus exactly once', async () => {
    const tenant = uniqueTenant('events');
    const api = rt.api(tenant, 'sales');
    const seen: { id: string; type: string; data: Record<string, unknown> }[] = [];
    const stop = rt.onEvent((e) => {
      if (e.detail.tenantId === tenant) seen.push({ id: e.detail.id, type: e['detail-type'], data: e.detail.data });
    });
    const { body: c } = await api('POST', '/contacts', { email: 'ev@example.com' });
    await api('PATCH', `/contacts/${c.id}`, { lifecycleStage: 'prospect' });
    await api('POST', `/contacts/${c.id}/activities`, { type: 'call', channel: 'phone' });
    await api('POST', '/contacts', { email: 'ev@example.com' }); // 409: no event
    await api('DELETE', `/contacts/${c.id}`);
    await rt.settle();
    stop();
    seen.sort((x, y) => x.id.localeCompare(y.id)); // the stream orders per item, not across items
    expect(seen.map((e) => e.type)).toEqual(['contact.created', 'contact.updated', 'activity.logged', 'contact.deleted']);
    expect(seen[1]!.data).toMatchObject({ contactId: c.id, lifecycleStage: 'prospect', changed: ['lifecycleStage'] });
  });
});
