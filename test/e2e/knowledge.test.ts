import { describe, expect, it } from 'vitest';
import { knowledgeApi } from '../../functions/knowledge/api.ts';
import { ticketsApi } from '../../functions/tickets/api.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { systemActor } from '../../shared/domain/actor.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

const clock = new ManualClock(new Date('2026-07-06T10:00:00Z'));
const rt = useTestRuntime({ clock });
const hour = 3600_000;
const as =
  (tenant: string, role: Role, user = `${role}-user`) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], user))(...args);
const visitor = (...args: Parameters<ReturnType<typeof apiClient>>) => apiClient(rt.url)(...args);
const today = () => clock.now().toISOString().slice(0, 10);

const article = (fields: Record<string, unknown> = {}) => ({
  locale: 'en',
  slug: 'reset-password',
  title: 'Reset your password',
  body: 'Open **Settings**, then _Security_, then Reset.',
  tags: ['account'],
  ...fields,
});

/** Creates and publishes an article as support; answers its id. */
const published = async (tenant: string, fields: Record<string, unknown> = {}) => {
  const support = as(tenant, 'support');
  const made = await support('POST', '/kb/articles', article(fields));
  expect(made.status).toBe(201);
  expect((await support('POST', `/kb/articles/${made.body.id}/publish`)).status).toBe(200);
  return made.body.id as string;
};

describe('knowledge base categories', () => {
  it('creates, lists, changes with If-Match and deletes a category no article is filed in', async () => {
    const tenant = uniqueTenant('kb-cat');
    const support = as(tenant, 'support');
    const made = await support('POST', '/kb/categories', { name: 'Accounts', position: 1 });
    expect(made.status).toBe(201);
    expect(made.headers.get('location')).toBe(`/kb/categories/${made.body.id}`);
    expect((await as(tenant, 'sales')('GET', '/kb/categories')).body.items.map((c: any) => c.name)).toEqual(['Accounts']);
    expect((await support('PATCH', `/kb/categories/${made.body.id}`, { name: 'Stale' }, { 'if-match': '"7"' })).status).toBe(412);
    const renamed = await support('PATCH', `/kb/categories/${made.body.id}`, { name: 'Your account' }, { 'if-match': '"1"' });
    expect(renamed.status).toBe(200);
    expect(renamed.headers.get('etag')).toBe('"2"');

    const filed = await support('POST', '/kb/articles', article({ categoryId: made.body.id }));
    expect(filed.status).toBe(201);
    expect((await support('DELETE', `/kb/categories/${made.body.id}`)).status).toBe(409);
    expect((await as(tenant, 'marketing')('DELETE', `/kb/categories/${made.body.id}`)).status).toBe(403);
    expect((await support('PATCH', `/kb/articles/${filed.body.id}`, { categoryId: null })).status).toBe(200);
    expect((await support('GET', `/kb/articles?categoryId=${made.body.id}`)).body.items).toEqual([]);
    expect((await support('DELETE', `/kb/categories/${made.body.id}`, undefined, { 'if-match': '"2"' })).status).toBe(204);
    expect((await support('GET', `/kb/categories/${made.body.id}`)).status).toBe(404);
  });
});

describe('knowledge base articles', () => {
  it('edits drafts with If-Match, publishes, rolls back and lists versions', async () => {
    const tenant = uniqueTenant('kb-versions');
    const support = as(tenant, 'support');
    const marketing = as(tenant, 'marketing');
    expect((await as(tenant, 'analyst')('POST', '/kb/articles', article())).status).toBe(403);
    const made = await marketing('POST', '/kb/articles', article());
    expect(made.status).toBe(201);
    expect(made.headers.get('location')).toBe(`/kb/articles/${made.body.id}`);
    expect(made.body).toMatchObject({ status: 'draft', draftNumber: 1, draft: { number: 1, status: 'draft' } });
    expect(made.body).not.toHaveProperty('terms');
    const id = made.body.id;

    const stale = await marketing('PATCH', `/kb/articles/${id}`, { title: 'Lost update' }, { 'if-match': '"5"' });
    expect(stale.status).toBe(412);
    const edited = await marketing('PATCH', `/kb/articles/${id}`, { title: 'Reset a forgotten password' }, { 'if-match': '"1"' });
    expect(edited.status).toBe(200);
    expect(edited.headers.get('etag')).toBe('"2"');
    expect((await support('GET', `/kb/articles/${id}`)).body.draft.title).toBe('Reset a forgotten password');

    expect((await marketing('POST', `/kb/articles/${id}/publish`)).status).toBe(403);
    const first = await support('POST', `/kb/articles/${id}/publish`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'published', publishedNumber: 1, published: { title: 'Reset a forgotten password' } });
    expect((await support('POST', `/kb/articles/${id}/publish`)).status).toBe(409);

    await marketing('PATCH', `/kb/articles/${id}`, { body: 'Use the link we email you.' });
    const read = await visitor('GET', `/help/${tenant}/articles/reset-password?locale=en`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ number: 1, body: 'Open **Settings**, then _Security_, then Reset.' });
    await support('POST', `/kb/articles/${id}/publish`);
    expect((await visitor('GET', `/help/${tenant}/articles/reset-password`)).body).toMatchObject({
      number: 2,
      body: 'Use the link we email you.',
    });

    const back = await support('POST', `/kb/articles/${id}/rollback`, { version: 1 });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ publishedNumber: 1, latestNumber: 2 });
    expect((await visitor('GET', `/help/${tenant}/articles/reset-password`)).body.number).toBe(1);
    expect((await support('POST', `/kb/articles/${id}/rollback`, { version: 1 })).status).toBe(409);
    expect((await support('POST', `/kb/articles/${id}/rollback`, { version: 8 })).status).toBe(422);
    const versions = await as(tenant, 'analyst')('GET', `/kb/articles/${id}/versions?limit=1`);
    expect(versions.body.items.map((v: any) => [v.number, v.status])).toEqual([[2, 'archived']]);
    const older = await support('GET', `/kb/articles/${id}/versions?cursor=${encodeURIComponent(versions.body.nextCursor)}`);
    expect(older.body.items.map((v: any) => [v.number, v.status])).toEqual([[1, 'published']]);

    expect((await support('POST', `/kb/articles/${id}/archive`)).body.status).toBe('archived');
    expect((await visitor('GET', `/help/${tenant}/articles/reset-password`)).status).toBe(404);
  });

  it('refuses bad input with 4xx and writes nothing', async () => {
    const tenant = uniqueTenant('kb-refuse');
    const support = as(tenant, 'support');
    await support('POST', '/kb/articles', article());
    const refusals = [
      await support('POST', '/kb/articles', article({ slug: 'Not A Slug' })),
      await support('POST', '/kb/articles', article({ locale: 'not a locale!' })),
      await support('POST', '/kb/articles', article({ body: 'x'.repeat(50_001) })),
      await support('POST', '/kb/articles', article({ title: 'Same slug' })),
      await support('POST', '/kb/articles', article({ slug: 'other', categoryId: '01J0000000000000000000000A' })),
      await support('POST', '/kb/categories', { name: '' }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([400, 400, 400, 409, 422, 400]);
    expect(refusals[3]!.headers.get('content-type')).toContain('application/problem+json');
    expect((await support('GET', '/kb/articles')).body.items.map((a: any) => a.title)).toEqual(['Reset your password']);
    expect((await support('GET', '/kb/categories')).body.items).toEqual([]);
    // The same slug in another locale is another article.
    expect((await support('POST', '/kb/articles', article({ locale: 'zh-cn', title: '重置密码' }))).body.locale).toBe('zh-CN');

    const publicRefusals = [
      await visitor('GET', `/help/${tenant}/articles?q=${'x'.repeat(201)}`),
      await visitor('GET', `/help/Not_A_Tenant/articles`),
      await visitor('GET', `/help/${tenant}/articles?sessionId=short`),
      await visitor('POST', `/help/${tenant}/articles/reset-password/feedback`, { helpful: 'yes' }),
      await visitor('POST', `/help/${tenant}/articles/reset-password/feedback`, { helpful: true, comment: 'x'.repeat(2001) }),
      await visitor('POST', `/help/${tenant}/articles/reset-password/feedback`, { helpful: true }),
    ];
    expect(publicRefusals.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 404]);
    expect((await as(tenant, 'analyst')('GET', `/reports/kb?from=${today()}&to=${today()}`)).body.items).toEqual([]);
  });
});

describe('knowledge base search', () => {
  it('finds only published articles publicly, Chinese included, and every state for staff', async () => {
    const tenant = uniqueTenant('kb-search');
    await published(tenant, { locale: 'zh-CN', slug: 'chong-zhi-mi-ma', title: '如何重置密码', body: '打开设置，点击安全。', tags: [] });
    await published(tenant, { slug: 'vpn', title: 'Connect to the VPN', body: 'Install the client first.' });
    await as(tenant, 'support')('POST', '/kb/articles', article({ slug: 'draft', title: '密码 policy draft' }));
    const find = async (q: string, locale?: string) =>
      (await visitor('GET', `/help/${tenant}/articles?q=${encodeURIComponent(q)}${locale ? `&locale=${locale}` : ''}`)).body.items.map(
        (h: any) => h.slug,
      );

    expect(await find('重置密码')).toEqual(['chong-zhi-mi-ma']);
    expect(await find('密码')).toEqual(['chong-zhi-mi-ma']);
    expect(await find('设置', 'zh')).toEqual(['chong-zhi-mi-ma']);
    expect(await find('设置', 'en')).toEqual([]);
    expect(await find('policy')).toEqual([]);
    expect(await find('VPN cli')).toEqual(['vpn']);
    const hit = (await visitor('GET', `/help/${tenant}/articles?q=vpn`)).body.items[0];
    expect(hit).toMatchObject({ title: 'Connect to the VPN', excerpt: 'Install the client first.' });
    expect(hit).not.toHaveProperty('body');
    expect(hit).not.toHaveProperty('terms');

    const staff = async (q: string) =>
      (await as(tenant, 'sales')('GET', `/kb/articles?q=${encodeURIComponent(q)}`)).body.items.map((a: any) => a.slug).sort();
    expect(await staff('密码')).toEqual(['chong-zhi-mi-ma', 'draft']);
    expect(await staff('policy')).toEqual(['draft']);
    expect((await as(tenant, 'sales')('GET', '/kb/articles?q=policy&status=published')).body.items).toEqual([]);

    const other = uniqueTenant('kb-search-other');
    expect((await visitor('GET', `/help/${other}/articles?q=vpn`)).body.items).toEqual([]);
    expect((await visitor('GET', `/help/${other}/articles/vpn`)).status).toBe(404);
    const vpnId = (await as(tenant, 'sales')('GET', '/kb/articles?q=vpn')).body.items[0].id;
    expect((await as(other, 'admin')('GET', `/kb/articles/${vpnId}`)).status).toBe(404);
    expect((await as(other, 'admin')('PATCH', `/kb/articles/${vpnId}`, { title: 'Mine' })).status).toBe(404);
  });

  it('pages hold limit distinct articles and a walk visits each once', async () => {
    const tenant = uniqueTenant('kb-pages');
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push(await published(tenant, { slug: `pass-${i}`, title: `Passport pass password ${i}`, body: 'passage passing passive' }));
    for (const path of [`/help/${tenant}/articles?q=pass&limit=2`, '/kb/articles?q=pass&limit=2']) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = path.startsWith('/help')
          ? await visitor('GET', `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
          : await as(tenant, 'support')('GET', `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        const got = res.body.items.map((h: any) => h.articleId ?? h.id);
        if (res.body.nextCursor) expect(got).toHaveLength(2);
        seen.push(...got);
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen.sort()).toEqual([...ids].sort());
    }
  });
});

describe('feedback, views, deflection and the report', () => {
  it('counts views and feedback, once per session, lists comments and reports the helpful rate', async () => {
    const tenant = uniqueTenant('kb-feedback');
    const id = await published(tenant);
    const feedback = (body: Record<string, unknown>) => visitor('POST', `/help/${tenant}/articles/reset-password/feedback`, body);
    expect((await visitor('GET', `/help/${tenant}/articles/reset-password`)).status).toBe(200);
    expect((await visitor('GET', `/help/${tenant}/articles/reset-password?locale=en`)).status).toBe(200);
    expect((await feedback({ helpful: true, sessionId: 'visitor-000001' })).status).toBe(200);
    expect((await feedback({ helpful: false, sessionId: 'visitor-000001' })).status).toBe(409);
    expect((await feedback({ helpful: false, comment: '<b>Step 2</b> is missing', sessionId: 'visitor-000002' })).status).toBe(200);
    expect((await feedback({ helpful: false })).status).toBe(200);

    const comments = await as(tenant, 'support')('GET', `/kb/articles/${id}/feedback`);
    expect(comments.body.items).toEqual([expect.objectContaining({ comment: '<b>Step 2</b> is missing', helpful: false, number: 1 })]);
    const report = await as(tenant, 'analyst')('GET', `/reports/kb?from=${today()}&to=${today()}`);
    expect(report.status).toBe(200);
    expect(report.body.items).toEqual([
      expect.objectContaining({
        articleId: id,
        slug: 'reset-password',
        views: 2,
        helpful: 1,
        unhelpful: 2,
        helpfulRate: 0.333,
        deflections: 0,
      }),
    ]);
    expect(report.body.totals).toMatchObject({ views: 2, helpful: 1, unhelpful: 2 });
    expect((await as(tenant, 'sales')('GET', `/reports/kb?from=${today()}&to=${today()}`)).status).toBe(403);
    expect((await as(tenant, 'analyst')('GET', `/reports/kb?from=${today()}&to=2026-01-01`)).status).toBe(400);
  });

  it('counts a deflection per viewed article 24 h after the search, unless the contact opened a ticket meanwhile', async () => {
    const tenant = uniqueTenant('kb-deflect');
    const id = await published(tenant);
    const day = today();
    // An anonymous visitor: searches, reads, never comes back.
    expect((await visitor('GET', `/help/${tenant}/articles?q=password&sessionId=anon-session-1`)).body.items).toHaveLength(1);
    await visitor('GET', `/help/${tenant}/articles/reset-password?sessionId=anon-session-1`);
    // A known contact reads too, then opens a ticket two hours later.
    await knowledgeApi.recordSearchSession({ tenantId: tenant, sessionId: 'portal-session-1', contactId: 'contact-1' });
    await knowledgeApi.recordView({ tenantId: tenant, articleId: id, sessionId: 'portal-session-1' });
    await clock.advance(2 * hour);
    const ticket = domainEvent(tenant, 'ticket.created', {
      ticketId: 'ticket-1',
      contactId: 'contact-1',
      reference: 'T-1',
      channel: 'portal',
      status: 'new',
      priority: 'normal',
      tags: [],
      subject: 'Still locked out',
    });
    const entry = { Source: 'rapport', DetailType: 'ticket.created', Detail: JSON.stringify({ ...ticket, actor: systemActor('tickets') }) };
    expect(await rt.bus.publish([entry])).toEqual([]);
    expect(await rt.bus.publish([entry])).toEqual([]);
    await rt.settle();

    await clock.advance(21 * hour);
    const report = async () => (await as(tenant, 'support')('GET', `/reports/kb?from=${day}&to=${day}`)).body.items[0];
    expect((await report()).deflections).toBe(0);
    await clock.advance(2 * hour);
    await rt.settle();
    expect(await report()).toMatchObject({ views: 2, deflections: 1 });
    expect(rt.scheduler.deadLetters).toEqual([]);
  });

  it('takes a ticket opened through the tickets context as the contact not deflected', async () => {
    const tenant = uniqueTenant('kb-deflect-ticket');
    const id = await published(tenant);
    const day = today();
    const contact = (await as(tenant, 'admin')('POST', '/contacts', { firstName: 'Mei', email: 'mei@example.com' })).body;
    for (const [sessionId, contactId] of [
      ['portal-session-a', contact.id],
      ['portal-session-b', undefined],
    ]) {
      await knowledgeApi.recordSearchSession({ tenantId: tenant, sessionId: sessionId!, contactId });
      await knowledgeApi.recordView({ tenantId: tenant, articleId: id, sessionId });
    }
    await ticketsApi.open({
      tenantId: tenant,
      input: { contactId: contact.id, subject: 'Locked out', body: 'The reset link does not arrive', channel: 'portal' },
      actor: systemActor('portal'),
    });
    await rt.settle();
    await clock.advance(25 * hour);
    await rt.settle();
    const report = await as(tenant, 'support')('GET', `/reports/kb?from=${day}&to=${day}`);
    expect(report.body.items[0]).toMatchObject({ articleId: id, views: 2, deflections: 1 });
  });
});
