import { describe, expect, it } from 'vitest';
import { uniqueTenant } from './api-client.ts';
import { useRuntime } from './harness.ts';

const rt = useRuntime();

describe('contacts', () => {
  it('creates, reads, patches with If-Match and deletes a contact', async () => {
    const api = rt.api(uniqueTenant('crud'), 'sales');
    const created = await api('POST', '/contacts', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'Ada@Example.com',
      phone: '+44 20 7946 0958',
      tags: ['VIP', 'vip', 'math'],
      attributes: { plan: 'pro' },
      timeZone: 'Europe/London',
      locale: 'en-GB',
      consent: { email: { marketing: true } },
    });
    expect(created.status).toBe(201);
    const c = created.body;
    expect(c).toMatchObject({
      email: 'ada@example.com',
      phone: '+442079460958',
      tags: ['vip', 'math'],
      lifecycleStage: 'lead',
      version: 1,
    });
    expect(c.consent.email.marketing).toMatchObject({ granted: true, source: expect.stringMatching(/^api:/), at: expect.any(String) });
    expect(created.headers.get('location')).toBe(`/contacts/${c.id}`);
    expect(created.headers.get('etag')).toBe('"1"');

    const got = await api('GET', `/contacts/${c.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(c);

    const patched = await api(
      'PATCH',
      `/contacts/${c.id}`,
      { lifecycleStage: 'customer', locale: null, attributes: { seats: 3 } },
      { 'if-match': '"1"' },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ lifecycleStage: 'customer', version: 2, attributes: { plan: 'pro', seats: 3 } });
    expect(patched.body).not.toHaveProperty('locale');
    expect(patched.headers.get('etag')).toBe('"2"');

    const stale = await api('PATCH', `/contacts/${c.id}`, { lifecycleStage: 'loyal' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
    expect((await api('GET', `/contacts/${c.id}`)).body.lifecycleStage).toBe('customer');

    expect((await api('DELETE', `/contacts/${c.id}`)).status).toBe(204);
    expect((await api('GET', `/contacts/${c.id}`)).status).toBe(404);
    // the email is free again once the contact is gone
    expect((await api('POST', '/contacts', { email: 'ada@example.com' })).status).toBe(201);
  });

  it('keeps consent history across grants and withdrawals', async () => {
    const api = rt.api(uniqueTenant('consent'), 'marketing');
    const { body: c } = await api('POST', '/contacts', {
      email: 'c@example.com',
      consent: { email: { marketing: true }, sms: { marketing: false } },
    });
    const { body: after } = await api('PATCH', `/contacts/${c.id}`, {
      consent: { email: { marketing: { granted: false, source: 'preference-centre' } } },
    });
    expect(after.consent.email.marketing).toMatchObject({ granted: false, source: 'preference-centre' });
    expect(after.consentHistory.map((h: { channel: string; granted: boolean }) => `${h.channel}:${h.granted}`)).toEqual([
      'email:true',
      'sms:false',
      'email:false',
    ]);
  });

  it('dedupes by normalised email and phone and answers 409 with the existing id', async () => {
    const api = rt.api(uniqueTenant('dedupe'), 'sales');
    const { body: first } = await api('POST', '/contacts', { email: 'grace@example.com', phone: '+1 415 555 0123' });
    const byEmail = await api('POST', '/contacts', { email: 'GRACE@example.com' });
    expect(byEmail.status).toBe(409);
    expect(byEmail.body).toMatchObject({ status: 409, existingId: first.id, field: 'email' });
    const byPhone = await api('POST', '/contacts', { phone: '+14155550123', firstName: 'G' });
    expect(byPhone.status).toBe(409);
    expect(byPhone.body.existingId).toBe(first.id);

    const { body: other } = await api('POST', '/contacts', { email: 'other@example.com' });
    const steal = await api('PATCH', `/contacts/${other.id}`, { email: 'grace@example.com' });
    expect(steal.status).toBe(409);
    expect(steal.body.existingId).toBe(first.id);
  });

  it('upserts by email and by external id', async () => {
    const api = rt.api(uniqueTenant('upsert'), 'sales');
    const created = await api('PUT', '/contacts/by-email/Linus%40Example.com', { firstName: 'Linus' });
    expect(created.status).toBe(201);
    expect(created.body.email).toBe('linus@example.com');
    const updated = await api('PUT', '/contacts/by-email/linus@example.com', { lastName: 'Torvalds' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, firstName: 'Linus', lastName: 'Torvalds', version: 2 });

    const ext = await api('PUT', '/contacts/by-external-id/shop-42', { email: 'buyer@example.com' });
    expect(ext.status).toBe(201);
    const again = await api('PUT', '/contacts/by-external-id/shop-42', { lifecycleStage: 'customer' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: ext.body.id, externalId: 'shop-42', lifecycleStage: 'customer' });
  });

  it('creates a batch with a result per item', async () => {
    const api = rt.api(uniqueTenant('batch'), 'marketing');
    const { body: existing } = await api('POST', '/contacts', { email: 'taken@example.com' });
    const res = await api('POST', '/contacts/batch', {
      contacts: [
        { email: 'a@example.com' },
        { email: 'not-an-email' },
        { email: 'taken@example.com' },
        { firstName: '李', lastName: '娜' },
        { bogus: 1 },
      ],
    });
    expect(res.status).toBe(200);
    const statuses = res.body.results.map((r: { status: number }) => r.status);
    expect(statuses).toEqual([201, 400, 409, 201, 400]);
    expect(res.body.results[1].errors).toHaveProperty(['contacts.1.email']);
    expect(res.body.results[2].existingId).toBe(existing.id);
    const tooMany = await api('POST', '/contacts/batch', { contacts: Array.from({ length: 101 }, (_, i) => ({ firstName: `n${i}` })) });
    expect(tooMany.status).toBe(400);
  });

  it('pages through every contact exactly once with signed cursors', async () => {
    const api = rt.api(uniqueTenant('pages'), 'sales');
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await api('POST', '/contacts', { firstName: `P${i}` })).body.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api('GET', `/contacts?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    const bad = await api('GET', '/contacts?cursor=abc.def');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toHaveProperty(['query.cursor']);
  });

  it('searches by email, phone, name prefix (Chinese too) and tag', async () => {
    const api = rt.api(uniqueTenant('search'), 'support');
    const { body: wang } = await api('POST', '/contacts', {
      firstName: '小明',
      lastName: '王',
      phone: '+86 138 0013 8000',
      tags: ['beijing'],
    });
    const { body: ada } = await api('POST', '/contacts', {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      tags: ['vip'],
    });
    const { body: adam } = await api('POST', '/contacts', { firstName: 'Adam', lastName: 'Smith', tags: ['vip'] });
    const ids = async (q: string) => (await api('GET', `/contacts?${q}`)).body.items.map((c: { id: string }) => c.id).sort();

    expect(await ids('q=ADA%40example.com')).toEqual([ada.id]);
    expect(await ids(`q=${encodeURIComponent('+8613800138000')}`)).toEqual([wang.id]);
    expect(await ids(`q=${encodeURIComponent('王')}`)).toEqual([wang.id]);
    expect(await ids(`q=${encodeURIComponent('王小')}`)).toEqual([wang.id]);
    expect(await ids(`q=${encodeURIComponent('小明')}`)).toEqual([wang.id]);
    expect(await ids('q=ad')).toEqual([ada.id, adam.id].sort());
    expect(await ids('q=ada%20love')).toEqual([ada.id]);
    expect(await ids('q=lovel')).toEqual([ada.id]);
    expect(await ids('tag=VIP')).toEqual([ada.id, adam.id].sort());
    expect(await ids('q=nobody')).toEqual([]);

    await api('PATCH', `/contacts/${adam.id}`, { firstName: 'Bob', tags: [] });
    expect(await ids('q=adam')).toEqual([]);
    expect(await ids('q=bob')).toEqual([adam.id]);
    expect(await ids('tag=vip')).toEqual([ada.id]);
  });

  it('lets exactly one of many concurrent creates with the same email win', async () => {
    const api = rt.api(uniqueTenant('race'), 'sales');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => api('POST', '/contacts', { email: 'race@example.com', firstName: `R${i}` })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    const winner = results.find((r) => r.status === 201)!.body.id;
    expect(results.filter((r) => r.status === 409).every((r) => r.body.existingId === winner)).toBe(true);
    expect((await api('GET', '/contacts')).body.items).toHaveLength(1);
  });

  it('applies concurrent patches without losing either change', async () => {
    const api = rt.api(uniqueTenant('patchrace'), 'sales');
    const { body: c } = await api('POST', '/contacts', { firstName: 'P' });
    await Promise.all([
      api('PATCH', `/contacts/${c.id}`, { attributes: { a: 1 } }),
      api('PATCH', `/contacts/${c.id}`, { attributes: { b: 2 } }),
    ]);
    const { body } = await api('GET', `/contacts/${c.id}`);
    expect(body.attributes).toEqual({ a: 1, b: 2 });
    expect(body.version).toBe(3);
  });
});
