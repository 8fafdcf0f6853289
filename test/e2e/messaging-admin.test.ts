import { describe, expect, it } from 'vitest';
import { sendMessage } from '../../functions/messaging/send.ts';
import { checkTemplate } from '../../functions/messaging/templates.ts';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

const rt = useTestRuntime();
const api =
  (tenant: string, role: Role = 'marketing') =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role]))(...args);

describe('templates', () => {
  it('refuses a template that does not compile, naming the field', async () => {
    const res = await api(uniqueTenant('tpl-bad'))('POST', '/templates', {
      name: 'Broken',
      channel: 'email',
      subject: 'Hi {{ contact.firstName',
      html: '<p>{{ x | shout }}</p>',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(Object.keys(res.body.errors).sort()).toEqual(['body.html', 'body.subject']);
    expect(res.body.errors['body.html'][0]).toContain('undefined filter: shout');
  });

  it('versions edits, keeps old versions readable and pinned sends working after delete', async () => {
    const tenant = uniqueTenant('tpl');
    const marketing = api(tenant);
    const created = await marketing('POST', '/templates', {
      name: 'Promo',
      channel: 'email',
      subject: 'Sale',
      text: 'v1 {{ contact.email }}',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/templates/${created.body.id}`);
    const id = created.body.id as string;

    const edit = { name: 'Promo', channel: 'email', subject: 'Big sale', text: 'v2' };
    expect((await marketing('PUT', `/templates/${id}`, edit, { 'if-match': '"7"' })).status).toBe(412);
    const updated = await marketing('PUT', `/templates/${id}`, edit, { 'if-match': created.headers.get('etag')! });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id, version: 2, subject: 'Big sale', createdAt: created.body.createdAt });
    expect(updated.headers.get('etag')).toBe('"2"');
    expect((await marketing('PUT', `/templates/${id}`, { name: 'Promo', channel: 'sms', body: 'x' })).body.errors).toHaveProperty([
      'body.channel',
    ]);

    expect((await marketing('GET', `/templates/${id}/versions/1`)).body).toMatchObject({
      version: 1,
      subject: 'Sale',
      text: 'v1 {{ contact.email }}',
    });
    expect((await marketing('GET', `/templates/${id}`)).body).toMatchObject({ version: 2, text: 'v2' });
    expect((await marketing('GET', '/templates')).body.items.map((t: { id: string }) => t.id)).toEqual([id]);
    expect(await checkTemplate(tenant, id, 'email')).toBeUndefined();
    expect(await checkTemplate(tenant, id, 'sms')).toBe(`template ${id} is an email template, not sms`);

    expect((await api(tenant, 'sales')('GET', '/templates')).status).toBe(403);
    expect((await marketing('DELETE', `/templates/${id}`)).status).toBe(204);
    expect((await marketing('GET', `/templates/${id}`)).status).toBe(404);
    expect((await marketing('GET', '/templates')).body.items).toEqual([]);
    expect(await checkTemplate(tenant, id, 'email')).toBe(`template ${id} does not exist`);

    const { body: contact } = await api(tenant, 'admin')('POST', '/contacts', { email: 'pin@tpl.example' });
    const send = (dedupeKey: string, templateVersion?: number) =>
      sendMessage({
        tenantId: tenant,
        contactId: contact.id,
        channel: 'email',
        purpose: 'transactional',
        templateId: id,
        templateVersion,
        dedupeKey,
      });
    expect(await send('pinned', 1)).toMatchObject({ status: 'sent' });
    expect(await send('latest')).toMatchObject({ status: 'failed', reason: `template ${id} does not exist` });
    const mail = rt.outbox.messages().find((m) => m.channel === 'email' && m.email.to === 'pin@tpl.example');
    expect(mail?.channel === 'email' && mail.email.text).toBe('v1 pin@tpl.example');
  });
});

describe('suppression list', () => {
  it('adds, lists, refuses twice and removes addresses, normalised', async () => {
    const tenant = uniqueTenant('sup');
    const marketing = api(tenant);
    const added = await marketing('POST', '/suppressions', { channel: 'email', address: 'Bob@Example.COM', note: 'asked by phone' });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ channel: 'email', address: 'bob@example.com', reason: 'manual', note: 'asked by phone' });
    expect((await marketing('POST', '/suppressions', { channel: 'email', address: 'bob@example.com' })).status).toBe(200);
    expect((await marketing('POST', '/suppressions', { channel: 'sms', address: '+33 6 12 34 56 78' })).body.address).toBe('+33612345678');
    expect((await marketing('POST', '/suppressions', { channel: 'sms', address: 'not a number' })).status).toBe(400);

    expect((await marketing('GET', '/suppressions')).body.items.map((s: { address: string }) => s.address)).toEqual([
      'bob@example.com',
      '+33612345678',
    ]);
    expect((await marketing('GET', '/suppressions?channel=sms')).body.items).toHaveLength(1);

    const { body: contact } = await api(tenant, 'admin')('POST', '/contacts', {
      email: 'bob@example.com',
      consent: { email: { marketing: true } },
    });
    const send = (dedupeKey: string) =>
      sendMessage({
        tenantId: tenant,
        contactId: contact.id,
        channel: 'email',
        purpose: 'transactional',
        content: { subject: 'Receipt', text: 'Thanks' },
        dedupeKey,
      });
    expect(await send('r1')).toMatchObject({ status: 'skipped', reason: 'suppressed' });

    expect((await marketing('DELETE', `/suppressions/email/${encodeURIComponent('BOB@example.com')}`)).status).toBe(204);
    expect((await marketing('DELETE', '/suppressions/email/bob%40example.com')).status).toBe(404);
    expect(await send('r2')).toMatchObject({ status: 'sent' });
    expect((await api(tenant, 'support')('POST', '/suppressions', { channel: 'email', address: 'x@example.com' })).status).toBe(403);
  });
});

describe('messaging settings', () => {
  it('shows the defaults and takes tenant choices with optimistic locking', async () => {
    const tenant = uniqueTenant('mset');
    const admin = api(tenant, 'admin');
    const defaults = await admin('GET', '/messaging/settings');
    expect(defaults.body).toEqual({
      timeZone: 'UTC',
      quietHours: { start: '21:00', end: '08:00' },
      frequencyCaps: { marketing: { perDay: 1, perWeek: 3 }, surveys: { perDay: 1, perWeek: 3 } },
      version: 0,
    });

    const first = await admin('PUT', '/messaging/settings', {
      from: 'Acme <news@acme.example>',
      quietHours: null,
      frequencyCaps: { surveys: { perDay: null, perWeek: 1 } },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      from: 'Acme <news@acme.example>',
      quietHours: null,
      frequencyCaps: { marketing: { perDay: 1, perWeek: 3 }, surveys: { perDay: null, perWeek: 1 } },
      version: 1,
    });
    expect((await admin('PUT', '/messaging/settings', { timeZone: 'Europe/Paris' }, { 'if-match': '"0"' })).status).toBe(412);
    const bad = await admin('PUT', '/messaging/settings', { quietHours: { start: '25:00', end: '08:00' }, timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['body.quietHours.start', 'body.timeZone']);
    expect((await api(tenant, 'analyst')('GET', '/messaging/settings')).status).toBe(403);
  });

  it('keeps a tenant sender on the deployment’s verified sending domain', async () => {
    const admin = api(uniqueTenant('msg-from'), 'admin');
    process.env.MAIL_FROM = 'Rapport <no-reply@mail.rapport.example>';
    try {
      const foreign = await admin('PUT', '/messaging/settings', { from: 'Acme <news@acme.example>' });
      expect(foreign.status).toBe(400);
      expect(foreign.body.errors['body.from']).toEqual(['must be an address at mail.rapport.example']);
      expect((await admin('PUT', '/messaging/settings', { from: 'Acme <acme@MAIL.rapport.example>' })).status).toBe(200);
    } finally {
      delete process.env.MAIL_FROM;
    }
  });
});
