import { describe, expect, it } from 'vitest';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

const rt = useTestRuntime();
const as =
  (tenant: string, role: Role, user = `${role}-user`) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], user))(...args);
const anonymous = () => apiClient(rt.url);

const formOf = async (tenant: string, fields: Record<string, unknown> = {}) => {
  const res = await as(tenant, 'marketing')('POST', '/forms', {
    name: 'Demo request',
    fields: ['email', 'name', 'companyName', 'budget'],
    thankYouUrl: 'https://example.com/thanks',
    ...fields,
  });
  expect(res.status).toBe(201);
  return res.body as { id: string };
};

describe('leads', () => {
  it('captures a lead, answers matched for a duplicate lead or contact, and lists by status and owner', async () => {
    const tenant = uniqueTenant('leads-capture');
    const sales = as(tenant, 'sales', 'rep-1');
    const made = await sales('POST', '/leads', { name: 'Ada', email: 'Ada@Example.com', phone: '+1 415 555 0123', ownerId: 'rep-1' });
    expect(made.status).toBe(201);
    expect(made.headers.get('location')).toBe(`/leads/${made.body.id}`);
    expect(made.body).toMatchObject({ email: 'ada@example.com', phone: '+14155550123', status: 'new', source: 'api', version: 1 });
    expect(made.body.score).toEqual({ fit: 0, behaviour: 0, total: 0, reasons: [] });

    const dup = await as(tenant, 'marketing')('POST', '/leads', { email: 'ADA@example.com' });
    expect(dup.status).toBe(200);
    expect(dup.body.matched).toEqual({ kind: 'lead', id: made.body.id });
    const byPhone = await sales('POST', '/leads', { phone: '+14155550123' });
    expect(byPhone.body.matched).toEqual({ kind: 'lead', id: made.body.id });

    const contact = await as(tenant, 'admin')('POST', '/contacts', { firstName: 'Cy', email: 'cy@example.com' });
    const toContact = await sales('POST', '/leads', { email: 'CY@example.com', name: 'Cy' });
    expect(toContact.status).toBe(200);
    expect(toContact.body).toEqual({ matched: { kind: 'contact', id: contact.body.id } });

    const patched = await sales('PATCH', `/leads/${made.body.id}`, { status: 'working' }, { 'if-match': '"1"' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: 'working', version: 2 });
    expect((await sales('PATCH', `/leads/${made.body.id}`, { status: 'nurturing' }, { 'if-match': '"1"' })).status).toBe(412);
    const noReason = await sales('PATCH', `/leads/${made.body.id}`, { status: 'disqualified' });
    expect(noReason.status).toBe(400);

    const working = await as(tenant, 'analyst')('GET', '/leads?status=working');
    expect(working.body.items.map((l: { id: string }) => l.id)).toEqual([made.body.id]);
    expect((await as(tenant, 'support')('GET', '/leads?ownerId=rep-1')).body.items).toHaveLength(1);
    expect((await sales('GET', '/leads')).body.items).toHaveLength(1);
    expect((await sales('GET', '/leads?status=new')).body.items).toEqual([]);
  });

  it('makes one lead of 8 concurrent captures of one email', async () => {
    const tenant = uniqueTenant('leads-race');
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => as(tenant, 'sales', `rep-${i}`)('POST', '/leads', { email: 'race@example.com', name: `R${i}` })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const id = answers.find((a) => a.status === 201)!.body.id;
    for (const a of answers.filter((x) => x.status === 200)) expect(a.body.matched).toEqual({ kind: 'lead', id });
    expect((await as(tenant, 'analyst')('GET', '/leads?status=new')).body.items).toHaveLength(1);
  });

  it('assigns leads without an owner round-robin over the routing team', async () => {
    const tenant = uniqueTenant('leads-routing');
    expect((await as(tenant, 'admin')('PUT', '/lead-routing', { members: ['ann', 'bob'] })).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => as(tenant, 'sales')('POST', '/leads', { email: `p${i}@example.com` })),
    );
    const owners = answers.map((a) => a.body.ownerId).sort();
    expect(owners).toEqual(['ann', 'ann', 'ann', 'bob', 'bob', 'bob']);
    expect((await as(tenant, 'analyst')('GET', '/leads?ownerId=bob')).body.items).toHaveLength(3);
  });

  it('takes public form submissions as JSON and as a browser form post, with scoring', async () => {
    const tenant = uniqueTenant('leads-form');
    await as(tenant, 'marketing')('PUT', '/lead-scoring', {
      fit: [{ field: 'attributes.budget', operator: 'gte', value: 1000, points: 25 }],
      behaviour: { form_submitted: 10 },
      halfLifeDays: 7,
    });
    const form = await formOf(tenant, { defaultOwnerId: 'ann' });
    expect((await as(tenant, 'analyst')('GET', `/forms/${form.id}`)).body).toMatchObject({ defaultSource: 'form' });

    const json = await anonymous()('POST', `/forms/${form.id}/submit`, { email: 'f@example.com', budget: '5000', other: 'x' });
    expect(json.status).toBe(200);
    const leadId = json.body.leadId;
    const lead = (await as(tenant, 'sales')('GET', `/leads/${leadId}`)).body;
    expect(lead).toMatchObject({ source: 'form', ownerId: 'ann', formId: form.id, attributes: { budget: '5000' } });
    expect(lead.score).toMatchObject({ fit: 25, behaviour: 10, total: 35 });
    expect(lead.score.reasons[0]).toBe('attributes.budget gte 1000: +25');

    const posted = await fetch(`${rt.url}/forms/${form.id}/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'F@example.com', name: 'Fay' }).toString(),
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('https://example.com/thanks');
    const again = (await as(tenant, 'sales')('GET', `/leads/${leadId}`)).body;
    expect(again.score.behaviour).toBe(20);

    const bad = await anonymous()('POST', `/forms/${form.id}/submit`, { email: 'not an email' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('answers 429 with Retry-After once a form or an address is over its limit', async () => {
    const tenant = uniqueTenant('leads-limit');
    const form = await formOf(tenant, { rateLimit: { perMinute: 100, perIpPerMinute: 3 } });
    const submit = (i: number) => anonymous()('POST', `/forms/${form.id}/submit`, { email: `l${i}@example.com` });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await submit(i)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await submit(9);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await as(tenant, 'analyst')('GET', '/leads?status=new')).body.items).toHaveLength(3);
  });

  it('converts a lead into a contact, a company and a deal once; a retry answers the same ids', async () => {
    const tenant = uniqueTenant('leads-convert');
    const sales = as(tenant, 'sales', 'rep-1');
    const lead = (
      await sales('POST', '/leads', {
        name: 'Ada Lovelace',
        email: 'ada@engines.example',
        companyName: 'Engines',
        consent: { marketing: true },
      })
    ).body;
    const body = { company: { domain: 'engines.example' }, deal: { name: 'Pilot', amount: { amount: 120000, currency: 'EUR' } } };
    const first = await sales('POST', `/leads/${lead.id}/convert`, body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      leadId: lead.id,
      contactId: expect.any(String),
      companyId: expect.any(String),
      dealId: expect.any(String),
    });
    const again = await sales('POST', `/leads/${lead.id}/convert`, body);
    expect(again.body).toEqual(first.body);

    const contact = (await sales('GET', `/contacts/${first.body.contactId}`)).body;
    expect(contact).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@engines.example',
      companyId: first.body.companyId,
    });
    expect((await sales('GET', `/companies/${first.body.companyId}`)).body).toMatchObject({ name: 'Engines', domain: 'engines.example' });
    expect((await sales('GET', `/deals/${first.body.dealId}`)).body).toMatchObject({ name: 'Pilot', contactIds: [first.body.contactId] });
    const timeline = (await sales('GET', `/contacts/${first.body.contactId}/activities`)).body.items;
    expect(timeline.filter((a: { subject?: string }) => a.subject === 'Converted from lead')).toHaveLength(1);
    expect((await sales('GET', `/leads/${lead.id}`)).body).toMatchObject({
      status: 'converted',
      conversion: { contactId: first.body.contactId },
    });
    expect((await sales('PATCH', `/leads/${lead.id}`, { status: 'working' })).status).toBe(409);
    expect((await sales('POST', '/leads', { email: 'ada@engines.example' })).body.matched).toEqual({
      kind: 'contact',
      id: first.body.contactId,
    });

    // A second lead at the same company reuses it, and an existing contact keeps what it has.
    const known = (await as(tenant, 'admin')('POST', '/contacts', { firstName: 'G.', phone: '+14155550199' })).body;
    const grace = (await sales('POST', '/leads', { name: 'Grace Hopper', email: 'grace@navy.example' })).body;
    await sales('PATCH', `/leads/${grace.id}`, { phone: '+14155550199' });
    const converted = (await sales('POST', `/leads/${grace.id}/convert`, { company: { domain: 'engines.example' } })).body;
    expect(converted).toMatchObject({ contactId: known.id, companyId: first.body.companyId });
    expect((await sales('GET', `/contacts/${known.id}`)).body).toMatchObject({
      firstName: 'G.',
      lastName: 'Hopper',
      email: 'grace@navy.example',
    });
    expect((await as(tenant, 'marketing')('POST', `/leads/${grace.id}/convert`, {})).status).toBe(403);
  });

  it('scores activity of a contact holding the lead email as lead behaviour', async () => {
    const tenant = uniqueTenant('leads-behaviour');
    const sales = as(tenant, 'sales');
    await as(tenant, 'admin')('PUT', '/lead-scoring', { behaviour: { activity: 8 }, halfLifeDays: 30 });
    const lead = (await sales('POST', '/leads', { email: 'busy@example.com' })).body;
    const contact = (await as(tenant, 'admin')('POST', '/contacts', { email: 'busy@example.com' })).body;
    expect((await sales('POST', `/contacts/${contact.id}/activities`, { type: 'call', subject: 'Intro' })).status).toBe(201);
    await rt.settle();
    const scored = (await sales('GET', `/leads/${lead.id}`)).body;
    expect(scored.score.behaviour).toBeCloseTo(8, 0);
    expect(scored.score.reasons[0]).toMatch(/^activity at /);
  });

  it('keeps tenants apart and refuses roles that may not write', async () => {
    const tenant = uniqueTenant('leads-tenancy');
    const other = uniqueTenant('leads-other');
    const lead = (await as(tenant, 'sales')('POST', '/leads', { email: 't@example.com' })).body;
    const form = await formOf(tenant);
    expect((await as(other, 'admin')('GET', `/leads/${lead.id}`)).status).toBe(404);
    expect((await as(other, 'admin')('PATCH', `/leads/${lead.id}`, { status: 'working' })).status).toBe(404);
    expect((await as(other, 'admin')('GET', `/forms/${form.id}`)).status).toBe(404);
    expect((await as(other, 'admin')('POST', `/leads/${lead.id}/convert`, {})).status).toBe(404);
    expect((await as(other, 'sales')('POST', '/leads', { email: 't@example.com' })).status).toBe(201);

    expect((await as(tenant, 'analyst')('POST', '/leads', { email: 'a@example.com' })).status).toBe(403);
    expect((await as(tenant, 'support')('POST', '/leads', { email: 'a@example.com' })).status).toBe(403);
    expect((await as(tenant, 'marketing')('PATCH', `/leads/${lead.id}`, { status: 'working' })).status).toBe(403);
    expect((await as(tenant, 'sales')('POST', '/forms', { name: 'x', fields: ['email'], thankYouUrl: 'https://e.com' })).status).toBe(403);
    expect((await as(tenant, 'sales')('PUT', '/lead-scoring', {})).status).toBe(403);
    expect(
      (await anonymous()('POST', `/forms/${form.id.replace(/\..*/, '.01J00000000000000000000000')}/submit`, { email: 'x@e.com' })).status,
    ).toBe(404);
  });
});
