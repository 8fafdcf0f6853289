import { describe, expect, it } from 'vitest';
import { type Api, uniqueTenant } from './api-client.ts';
import { useRuntime } from './harness.ts';

const rt = useRuntime();

type Page = { items: { id: string }[]; nextCursor?: string };

/** Every page of a listing, following nextCursor to the end. */
const walk = async (api: Api, path: string): Promise<Page[]> => {
  const pages: Page[] = [];
  let cursor: string | undefined;
  do {
    const res = await api('GET', `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  } while (cursor);
  return pages;
};
const idsOf = (pages: Page[]) => pages.flatMap((p) => p.items.map((c) => c.id));

describe('contact search and filters', () => {
  it('pages a name prefix that several terms of each contact match: full pages, each contact once', async () => {
    const api = rt.api(uniqueTenant('prefix-pages'), 'sales');
    // 测试 + 测试batchN: four name terms per contact (both words and both written together) start with 测试.
    const contacts = Array.from({ length: 23 }, (_, i) => ({ firstName: '测试', lastName: `测试batch${i}` }));
    const { body } = await api('POST', '/contacts/batch', { contacts });
    const created = body.results.map((r: { id: string }) => r.id).sort();
    await api('POST', '/contacts', { firstName: '别人' });

    for (const limit of [10, 2]) {
      const pages = await walk(api, `/contacts?q=${encodeURIComponent('测试')}&limit=${limit}`);
      const ids = idsOf(pages);
      expect(ids).toHaveLength(23);
      expect(new Set(ids).size).toBe(23);
      expect([...ids].sort()).toEqual(created);
      for (const page of pages.slice(0, -1)) expect(page.items).toHaveLength(limit);
    }
  });

  it('combines tag and q instead of dropping one', async () => {
    const api = rt.api(uniqueTenant('tag-q'), 'sales');
    const { body: bob } = await api('POST', '/contacts', { firstName: 'Bob', email: 'bob@example.com', tags: ['vip'] });
    await api('POST', '/contacts', { firstName: 'Bobby', tags: ['other'] });
    await api('POST', '/contacts', { firstName: 'Alice', tags: ['vip'] });
    const ids = async (q: string) => (await api('GET', `/contacts?${q}`)).body.items.map((c: { id: string }) => c.id);
    expect(await ids('tag=vip&q=bob')).toEqual([bob.id]);
    expect(await ids('tag=vip&q=bob%40example.com')).toEqual([bob.id]);
    expect(await ids('tag=other&q=bob%40example.com')).toEqual([]);
  });

  it('filters by company, owner and stage, alone and together, in either order', async () => {
    const api = rt.api(uniqueTenant('filters'), 'sales');
    const { body: acme } = await api('POST', '/companies', { name: 'Acme' });
    const make = async (firstName: string, extra: object) => (await api('POST', '/contacts', { firstName, ...extra })).body.id as string;
    const a = await make('A', { ownerId: 'u1', lifecycleStage: 'customer', companyId: acme.id });
    const b = await make('B', { ownerId: 'u1' });
    const c = await make('C', { ownerId: 'u2', lifecycleStage: 'customer' });
    const ids = async (q: string) => idsOf(await walk(api, `/contacts?limit=1&${q}`));

    expect(await ids(`companyId=${acme.id}`)).toEqual([a]);
    expect(await ids('ownerId=u1')).toEqual([a, b]);
    expect(await ids('ownerId=u1&sort=-createdAt')).toEqual([b, a]);
    expect(await ids('lifecycleStage=customer')).toEqual([a, c]);
    expect(await ids('ownerId=u1&lifecycleStage=customer')).toEqual([a]);
    expect(await ids('lifecycleStage=lead')).toEqual([b]);

    // a change moves the contact between the owner and stage listings
    await api('PATCH', `/contacts/${b}`, { ownerId: 'u2', lifecycleStage: 'customer' });
    expect(await ids('ownerId=u1')).toEqual([a]);
    expect(await ids('lifecycleStage=customer')).toEqual([a, b, c]);
    expect(await ids('sort=-createdAt')).toEqual([c, b, a]);
  });

  it('lists contacts updated since a time, oldest first, and the ones deleted since', async () => {
    const api = rt.api(uniqueTenant('sync'), 'sales');
    const a = (await api('POST', '/contacts', { firstName: 'A' })).body;
    const b = (await api('POST', '/contacts', { firstName: 'B' })).body;
    const c = (await api('POST', '/contacts', { firstName: 'C' })).body;
    const since = encodeURIComponent(c.createdAt);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await api('PATCH', `/contacts/${a.id}`, { lastName: 'Again' });
    expect(idsOf(await walk(api, '/contacts?limit=1&sort=updatedAt'))).toEqual([b.id, c.id, a.id]);
    expect(idsOf(await walk(api, `/contacts?limit=1&updatedSince=${since}`))).toEqual([c.id, a.id]);

    expect((await api('DELETE', `/contacts/${b.id}`)).status).toBe(204);
    expect(idsOf(await walk(api, '/contacts?limit=5&sort=updatedAt'))).toEqual([c.id, a.id]);
    const deleted = await api('GET', `/contacts/deleted?since=${since}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.items).toEqual([{ id: b.id, deletedAt: expect.any(String) }]);
    expect((await api('GET', '/contacts/deleted')).body.items).toEqual(deleted.body.items);
    expect(
      (await api('GET', `/contacts/deleted?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.items,
    ).toEqual([]);
  });

  it('refuses combinations it cannot serve with 400 naming the parameters', async () => {
    const api = rt.api(uniqueTenant('refuse'), 'sales');
    const feed = await api('GET', '/contacts?updatedSince=2026-01-01T00:00:00Z&tag=vip');
    expect(feed.status).toBe(400);
    expect(feed.headers.get('content-type')).toBe('application/problem+json');
    expect(Object.keys(feed.body.errors).sort()).toEqual(['query.tag', 'query.updatedSince']);
    const sorted = await api('GET', '/contacts?q=ada&sort=-createdAt');
    expect(sorted.status).toBe(400);
    expect(Object.keys(sorted.body.errors).sort()).toEqual(['query.q', 'query.sort']);
  });

  it('folds accents in names and queries', async () => {
    const api = rt.api(uniqueTenant('accents'), 'sales');
    const { body: zoe } = await api('POST', '/contacts', { firstName: 'Zoë', lastName: 'Señor' });
    const ids = async (q: string) => (await api('GET', `/contacts?q=${encodeURIComponent(q)}`)).body.items.map((c: { id: string }) => c.id);
    expect(await ids('zoe')).toEqual([zoe.id]);
    expect(await ids('ZOË sen')).toEqual([zoe.id]);
    expect((await api('GET', `/contacts/${zoe.id}`)).body.firstName).toBe('Zoë');
  });
});

describe('phones in national format', () => {
  it('reads national numbers in the request region or the tenant default, on writes and in search', async () => {
    const tenant = uniqueTenant('regions');
    const api = rt.api(tenant, 'sales');
    const admin = rt.api(tenant, 'admin');

    const noRegion = await api('POST', '/contacts', { phone: '(212) 555-0100' });
    expect(noRegion.status).toBe(400);
    expect(noRegion.body.errors).toHaveProperty(['body.phone']);
    const us = await api('POST', '/contacts', { phone: '(212) 555-0100', phoneRegion: 'us' });
    expect(us.status).toBe(201);
    expect(us.body.phone).toBe('+12125550100');
    expect(us.body).not.toHaveProperty('phoneRegion');

    expect((await api('PUT', '/contacts/settings', { defaultRegion: 'CN' })).status).toBe(403);
    const set = await admin('PUT', '/contacts/settings', { defaultRegion: 'cn' });
    expect(set.status).toBe(200);
    expect((await api('GET', '/contacts/settings')).body).toEqual({ defaultRegion: 'CN' });
    const cn = await api('POST', '/contacts', { phone: '138 0013 8001' });
    expect(cn.body.phone).toBe('+8613800138001');

    const ids = async (q: string) => (await api('GET', `/contacts?${q}`)).body.items.map((c: { id: string }) => c.id);
    expect(await ids('q=13800138001')).toEqual([cn.body.id]);
    expect(await ids(`q=${encodeURIComponent('(212) 555-0100')}&phoneRegion=US`)).toEqual([us.body.id]);
    expect(await ids(`q=${encodeURIComponent('+1 212 555 0100')}`)).toEqual([us.body.id]);

    const batch = await api('POST', '/contacts/batch', { contacts: [{ phone: '12' }, { phone: '555', phoneRegion: 'US' }] });
    expect(batch.body.results.map((r: { status: number }) => r.status)).toEqual([400, 400]);
  });
});

describe('consent purposes', () => {
  it('stores an unknown purpose but answers with a warning naming it', async () => {
    const api = rt.api(uniqueTenant('purposes'), 'marketing');
    const typo = await api('POST', '/contacts', { email: 'p@example.com', consent: { email: { marketng: true, surveys: true } } });
    expect(typo.status).toBe(201);
    expect(typo.body.warnings).toEqual([expect.stringContaining('consent.email.marketng')]);
    expect(typo.body.consent.email.marketng.granted).toBe(true);
    const known = await api('PATCH', `/contacts/${typo.body.id}`, { consent: { sms: { transactional: true } } });
    expect(known.status).toBe(200);
    expect(known.body).not.toHaveProperty('warnings');
    expect((await api('GET', `/contacts/${typo.body.id}`)).body).not.toHaveProperty('warnings');
    const batch = await api('POST', '/contacts/batch', { contacts: [{ email: 'q@example.com', consent: { sms: { surveyz: true } } }] });
    expect(batch.body.results[0]).toMatchObject({ status: 201, warnings: [expect.stringContaining('consent.sms.surveyz')] });
  });
});

describe('company search', () => {
  it('finds companies by name prefix (folded) and by domain', async () => {
    const api = rt.api(uniqueTenant('company-search'), 'sales');
    const { body: acme } = await api('POST', '/companies', { name: 'Ácme Corp', domain: 'acme.com' });
    const { body: acorn } = await api('POST', '/companies', { name: 'Acorn' });
    await api('POST', '/companies', { name: 'Globex' });
    const ids = async (q: string) => (await api('GET', `/companies?${q}`)).body.items.map((c: { id: string }) => c.id);
    expect(await ids('q=ac')).toEqual([acme.id, acorn.id]);
    expect(await ids('q=ACME%20c')).toEqual([acme.id]);
    expect(await ids('domain=https://www.acme.com/')).toEqual([acme.id]);
    expect(await ids('domain=acme.com&q=glob')).toEqual([]);
    expect(idsOf(await walk(api, '/companies?q=a&limit=1'))).toEqual([acme.id, acorn.id]);

    await api('PATCH', `/companies/${acorn.id}`, { name: 'Initech' });
    expect(await ids('q=ac')).toEqual([acme.id]);
  });
});
