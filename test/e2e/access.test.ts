import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes.ts';
import { roles } from '../../shared/http/route.ts';
import { uniqueTenant } from './api-client.ts';
import { useRuntime } from './harness.ts';

const rt = useRuntime();
const sampleId = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const concretePath = (path: string) =>
  path
    .replace('{email}', 'someone%40example.com')
    .replace('{externalId}', 'ext-1')
    .replace(/\{[^}]+\}/g, sampleId);

describe('tenancy', () => {
  it('never shows one tenant’s data to another', async () => {
    const a = rt.api(uniqueTenant('tenant-a'), 'admin');
    const b = rt.api(uniqueTenant('tenant-b'), 'admin');
    const { body: company } = await a('POST', '/companies', { name: 'Secret Co', domain: 'secret.example' });
    const { body: contact } = await a('POST', '/contacts', {
      firstName: 'Hidden',
      email: 'hidden@example.com',
      phone: '+14155550100',
      tags: ['secret'],
      companyId: company.id,
    });
    await a('POST', `/contacts/${contact.id}/activities`, { type: 'note', body: 'private' });

    for (const path of [`/contacts/${contact.id}`, `/companies/${company.id}`, `/contacts/${contact.id}/activities`]) {
      expect((await b('GET', path)).status).toBe(404);
    }
    expect((await b('PATCH', `/contacts/${contact.id}`, { firstName: 'Pwned' })).status).toBe(404);
    expect((await b('DELETE', `/contacts/${contact.id}`)).status).toBe(404);
    expect((await b('POST', `/contacts/${contact.id}/activities`, { type: 'note' })).status).toBe(404);
    for (const query of ['', '?q=hidden', '?q=hidden%40example.com', '?q=%2B14155550100', '?tag=secret']) {
      expect((await b('GET', `/contacts${query}`)).body.items).toEqual([]);
    }
    expect((await b('GET', '/companies')).body.items).toEqual([]);
    expect((await b('GET', `/companies/${company.id}/contacts`)).body.items).toEqual([]);
    expect((await b('GET', `/companies/${company.id}/activities`)).body.items).toEqual([]);
    // the same email and domain are free in another tenant
    expect((await b('POST', '/contacts', { email: 'hidden@example.com' })).status).toBe(201);
    expect((await b('POST', '/companies', { name: 'Mine', domain: 'secret.example' })).status).toBe(201);
    // a cursor from tenant A's listing is refused in tenant B
    for (let i = 0; i < 2; i++) await a('POST', '/contacts', { firstName: `x${i}` });
    const { body: page } = await a('GET', '/contacts?limit=1');
    expect((await b('GET', `/contacts?limit=1&cursor=${encodeURIComponent(page.nextCursor)}`)).status).toBe(400);
    expect((await a('GET', `/contacts/${contact.id}`)).body.firstName).toBe('Hidden');
  });
});

describe('roles', () => {
  it('checks the role on every route, for every role', async () => {
    const tenant = uniqueTenant('roles');
    for (const route of routes) {
      for (const role of roles) {
        const res = await rt.api(tenant, role)(route.method, concretePath(route.path), route.body ? {} : undefined);
        const allowed = route.roles.length === 0 || route.roles.includes(role);
        expect({ route: `${route.method} ${route.path}`, role, forbidden: res.status === 403 }).toEqual({
          route: `${route.method} ${route.path}`,
          role,
          forbidden: !allowed,
        });
        expect(res.status, `${route.method} ${route.path} as ${role}`).toBeLessThan(500);
      }
      if (route.roles.length) {
        const anonymous = await rt.anonymous()(route.method, concretePath(route.path), route.body ? {} : undefined);
        expect(anonymous.status, `${route.method} ${route.path} without a token`).toBe(401);
      }
    }
  });
});
