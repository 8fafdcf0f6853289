import { describe, expect, it } from 'vitest';
import { uniqueTenant } from './api-client.ts';
import { useRuntime } from './harness.ts';

const rt = useRuntime();

describe('companies', () => {
  it('dedupes by domain, links contacts and lists them', async () => {
    const api = rt.api(uniqueTenant('companies'), 'sales');
    const created = await api('POST', '/companies', { name: 'Acme', domain: 'https://www.ACME.com/about', employees: 120 });
    expect(created.status).toBe(201);
    expect(created.body.domain).toBe('acme.com');
    const dup = await api('POST', '/companies', { name: 'Acme again', domain: 'acme.com' });
    expect(dup.status).toBe(409);
    expect(dup.body.existingId).toBe(created.body.id);

    const acme = created.body.id;
    const a = (await api('POST', '/contacts', { firstName: 'A', companyId: acme })).body;
    const b = (await api('POST', '/contacts', { firstName: 'B' })).body;
    await api('PATCH', `/contacts/${b.id}`, { companyId: acme });
    const members = await api('GET', `/companies/${acme}/contacts`);
    expect(members.body.items.map((c: { id: string }) => c.id)).toEqual([a.id, b.id]);

    const unknown = await api('POST', '/contacts', { firstName: 'C', companyId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toHaveProperty(['body.companyId']);

    expect((await api('DELETE', `/companies/${acme}`)).status).toBe(409);
    await api('PATCH', `/contacts/${a.id}`, { companyId: null });
    await api('PATCH', `/contacts/${b.id}`, { companyId: null });
    expect((await api('GET', `/companies/${acme}/contacts`)).body.items).toEqual([]);
    expect((await api('DELETE', `/companies/${acme}`)).status).toBe(204);
    expect((await api('POST', '/companies', { name: 'New Acme', domain: 'acme.com' })).status).toBe(201);
  });

  it('moves the domain guard when the domain changes', async () => {
    const api = rt.api(uniqueTenant('domains'), 'sales');
    const { body: one } = await api('POST', '/companies', { name: 'One', domain: 'one.example' });
    await api('POST', '/companies', { name: 'Two', domain: 'two.example' });
    expect((await api('PATCH', `/companies/${one.id}`, { domain: 'two.example' })).status).toBe(409);
    expect((await api('PATCH', `/companies/${one.id}`, { domain: 'uno.example' }, { 'if-match': '"1"' })).status).toBe(200);
    expect((await api('POST', '/companies', { name: 'One again', domain: 'one.example' })).status).toBe(201);
  });
});

describe('timeline', () => {
  it('lists a contact’s activities newest first by when they happened, page by page', async () => {
    const api = rt.api(uniqueTenant('timeline'), 'support');
    const { body: company } = await api('POST', '/companies', { name: 'Globex' });
    const { body: c } = await api('POST', '/contacts', { firstName: 'T', companyId: company.id });
    const times = ['2026-03-01T10:00:00Z', '2026-03-05T10:00:00Z', '2026-03-03T10:00:00+02:00', '2026-02-01T00:00:00Z'];
    for (const [i, occurredAt] of times.entries()) {
      const logged = await api('POST', `/contacts/${c.id}/activities`, {
        type: i % 2 ? 'call' : 'email',
        channel: i % 2 ? 'phone' : 'email',
        direction: 'outbound',
        occurredAt,
        subject: `#${i}`,
      });
      expect(logged.status).toBe(201);
      expect(logged.body).toMatchObject({ contactId: c.id, companyId: company.id, authorId: expect.any(String) });
    }
    const order: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api('GET', `/contacts/${c.id}/activities?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      order.push(...page.body.items.map((a: { subject: string }) => a.subject));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(order).toEqual(['#1', '#2', '#0', '#3']);
    expect((await api('GET', `/contacts/${c.id}`)).body.lastActivityAt).toBe('2026-03-05T10:00:00.000Z');
    const companyTimeline = await api('GET', `/companies/${company.id}/activities`);
    expect(companyTimeline.body.items.map((a: { subject: string }) => a.subject)).toEqual(['#1', '#2', '#0', '#3']);
  });

  it('refuses an activity dated more than 5 minutes ahead of the server clock, so it cannot move engagement into the future', async () => {
    const api = rt.api(uniqueTenant('timeline-future'), 'support');
    const { body: c } = await api('POST', '/contacts', { firstName: 'F' });
    const future = await api('POST', `/contacts/${c.id}/activities`, { type: 'call', occurredAt: '2030-01-01T00:00:00Z' });
    expect(future.status).toBe(400);
    expect(future.headers.get('content-type')).toBe('application/problem+json');
    expect(future.body.errors).toEqual({ 'body.occurredAt': ['must not be more than 5 minutes in the future'] });
    const justAhead = await api('POST', `/contacts/${c.id}/activities`, {
      type: 'call',
      occurredAt: new Date(Date.now() + 6 * 60_000).toISOString(),
    });
    expect(justAhead.status).toBe(400);
    const contact = (await api('GET', `/contacts/${c.id}`)).body;
    expect(contact.lastEngagedAt).toBe(c.createdAt);
    expect(contact.lastActivityAt).toBeUndefined();

    const withinSkew = new Date(Date.now() + 2 * 60_000).toISOString();
    expect((await api('POST', `/contacts/${c.id}/activities`, { type: 'call', occurredAt: withinSkew })).status).toBe(201);
    expect((await api('GET', `/contacts/${c.id}`)).body.lastActivityAt).toBe(withinSkew);
  });

  it('removes a deleted contact’s timeline from the company timeline too', async () => {
    const api = rt.api(uniqueTenant('timeline-delete'), 'admin');
    const { body: company } = await api('POST', '/companies', { name: 'Initech' });
    const { body: gone } = await api('POST', '/contacts', { firstName: 'Gone', companyId: company.id });
    const { body: stays } = await api('POST', '/contacts', { firstName: 'Stays', companyId: company.id });
    for (const c of [gone, stays]) await api('POST', `/contacts/${c.id}/activities`, { type: 'note', subject: c.firstName });
    await api('DELETE', `/contacts/${gone.id}`);
    await rt.settle();
    const { body } = await api('GET', `/companies/${company.id}/activities`);
    expect(body.items.map((a: { subject: string }) => a.subject)).toEqual(['Stays']);
  });

  it('answers 404 for the timeline of an unknown contact', async () => {
    const api = rt.api(uniqueTenant('timeline404'), 'support');
    expect((await api('GET', '/contacts/01ARZ3NDEKTSV4RRFFQ69G5FAV/activities')).status).toBe(404);
    expect((await api('POST', '/contacts/01ARZ3NDEKTSV4RRFFQ69G5FAV/activities', { type: 'note' })).status).toBe(404);
  });
});
