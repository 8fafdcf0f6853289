import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createArticleBody, updateArticleBody } from '../../functions/knowledge/schemas.ts';
import { type DeflectionJob, deflectionJobName, knowledgeCore } from '../../functions/knowledge/service.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { DomainError } from '../../shared/errors.ts';
import { systemClock, useClock } from '../../shared/ports/clock.ts';
import { type ScheduledJob, type Scheduler, useScheduler } from '../../shared/ports/scheduler.ts';
import { type FakeKnowledge, fakeKnowledgeRepository } from '../support/fakes/knowledge.ts';

const tenantId = 'acme';
const hour = 3600_000;
const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));
const jobs: ScheduledJob[] = [];
const fakeScheduler: Scheduler = {
  async schedule(job) {
    if (!jobs.some((j) => j.name === job.name)) jobs.push(job);
  },
  async cancel(name) {
    jobs.splice(0, jobs.length, ...jobs.filter((j) => j.name !== name));
  },
};

let fake: FakeKnowledge;
let core: ReturnType<typeof knowledgeCore>;

beforeEach(() => {
  useClock(clock);
  useScheduler(fakeScheduler);
  jobs.length = 0;
  fake = fakeKnowledgeRepository();
  core = knowledgeCore(fake.repo);
});
afterAll(() => useClock(systemClock));

const create = (fields: Record<string, unknown> = {}) =>
  core.articles.create(
    tenantId,
    createArticleBody.parse({ locale: 'en', slug: 'reset-password', title: 'Reset your password', body: 'Open settings.', ...fields }),
    'agent-1',
  );
const patch = (id: string, fields: Record<string, unknown>, ifMatch?: number) =>
  core.articles.update(tenantId, id, updateArticleBody.parse(fields), ifMatch, 'agent-1');
const refusal = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).kind;
};
const publicSearch = (q: string, locale?: string, limit = 25, cursor?: string) =>
  core.public.search(tenantId, { q, locale, limit, cursor });

describe('article versions', () => {
  it('edits only the draft: a published version stays as it was, and a change after publishing makes a new draft', async () => {
    const a = await create();
    expect(a).toMatchObject({ status: 'draft', version: 1, draftNumber: 1, latestNumber: 1, draft: { number: 1, status: 'draft' } });
    const edited = await patch(a.id, { body: 'Open settings, then Security.' }, 1);
    expect(edited).toMatchObject({ version: 2, draftNumber: 1, draft: { number: 1, body: 'Open settings, then Security.' } });
    expect(await refusal(patch(a.id, { title: 'Stale' }, 1))).toBe('precondition-failed');

    const published = await core.articles.publish(tenantId, a.id, undefined, 'lead');
    expect(published).toMatchObject({ status: 'published', publishedNumber: 1, published: { number: 1, status: 'published' } });
    expect(published.draftNumber).toBeUndefined();
    expect(await refusal(core.articles.publish(tenantId, a.id, undefined, 'lead'))).toBe('conflict');

    const second = await patch(a.id, { title: 'Reset a forgotten password' });
    expect(second).toMatchObject({ draftNumber: 2, latestNumber: 2, publishedNumber: 1, title: 'Reset a forgotten password' });
    expect(second.published).toMatchObject({ number: 1, title: 'Reset your password', body: 'Open settings, then Security.' });
    expect(second.draft).toMatchObject({ number: 2, title: 'Reset a forgotten password', body: 'Open settings, then Security.' });
    expect((await core.public.getPublished(tenantId, 'reset-password', 'en'))?.title).toBe('Reset your password');

    await core.articles.publish(tenantId, a.id, undefined, 'lead');
    const versions = await core.articles.versions(tenantId, a.id, { limit: 10 });
    expect(versions.items.map((v) => [v.number, v.status])).toEqual([
      [2, 'published'],
      [1, 'archived'],
    ]);
    expect((await core.public.getPublished(tenantId, 'reset-password', 'en'))?.title).toBe('Reset a forgotten password');
  });

  it('makes no draft and no event for a change that changes nothing, and moves a published slug at once', async () => {
    const a = await create();
    await core.articles.publish(tenantId, a.id, undefined, 'lead');
    const events = fake.events.length;
    const same = await patch(a.id, { title: 'Reset your password' });
    expect(same).toMatchObject({ version: a.version + 1, latestNumber: 1 });
    expect(same.draftNumber).toBeUndefined();
    expect(fake.events).toHaveLength(events);

    const moved = await patch(a.id, { slug: 'new-password', body: 'Ask the desk.' });
    expect(moved).toMatchObject({ slug: 'new-password', draftNumber: 2 });
    expect(fake.events.at(-1)).toMatchObject({ type: 'kb_article.updated', data: { changed: ['slug', 'body'] } });
    expect(await core.public.getPublished(tenantId, 'reset-password', 'en')).toBeUndefined();
    expect(await core.public.getPublished(tenantId, 'new-password', 'en')).toMatchObject({ number: 1, body: 'Open settings.' });
    // The old slug is free again.
    expect((await create({ title: 'Another' })).slug).toBe('reset-password');
  });

  it('rolls back by publishing an older version again, leaving a draft alone', async () => {
    const a = await create({ title: 'First words' });
    await core.articles.publish(tenantId, a.id, undefined, 'lead');
    await patch(a.id, { title: 'Second words' });
    await core.articles.publish(tenantId, a.id, undefined, 'lead');
    await patch(a.id, { title: 'Third words' });

    const rolled = await core.articles.rollback(tenantId, a.id, 1, undefined, 'lead');
    expect(rolled).toMatchObject({ publishedNumber: 1, draftNumber: 3, published: { number: 1, title: 'First words' } });
    expect(rolled.published?.archivedAt).toBeUndefined();
    const statuses = (await core.articles.versions(tenantId, a.id, { limit: 10 })).items.map((v) => [v.number, v.status]);
    expect(statuses).toEqual([
      [3, 'draft'],
      [2, 'archived'],
      [1, 'published'],
    ]);
    expect((await publicSearch('first')).items.map((h) => h.title)).toEqual(['First words']);
    expect((await publicSearch('second')).items).toEqual([]);
    expect((await publicSearch('third')).items).toEqual([]);

    expect(await refusal(core.articles.rollback(tenantId, a.id, 1, undefined, 'lead'))).toBe('conflict');
    expect(await refusal(core.articles.rollback(tenantId, a.id, 3, undefined, 'lead'))).toBe('conflict');
    expect(await refusal(core.articles.rollback(tenantId, a.id, 9, undefined, 'lead'))).toBe('unprocessable');
    const kinds = fake.events.map((e) => [e.type, (e.data as { rollback?: boolean }).rollback]);
    expect(kinds.filter(([t]) => t === 'kb_article.published')).toEqual([
      ['kb_article.published', false],
      ['kb_article.published', false],
      ['kb_article.published', true],
    ]);
  });

  it('archives the published version: the article leaves the public side', async () => {
    const a = await create();
    await core.articles.publish(tenantId, a.id, undefined, 'lead');
    expect((await publicSearch('password')).items).toHaveLength(1);
    const archived = await core.articles.archive(tenantId, a.id, undefined, 'lead');
    expect(archived).toMatchObject({ status: 'archived' });
    expect(archived.publishedNumber).toBeUndefined();
    expect((await publicSearch('password')).items).toEqual([]);
    expect(await core.public.getPublished(tenantId, 'reset-password')).toBeUndefined();
    expect(fake.termEntries(tenantId, 'P')).toEqual([]);
    expect(await refusal(core.articles.archive(tenantId, a.id, undefined, 'lead'))).toBe('conflict');
    // Staff still find it, in every state.
    expect((await core.articles.list(tenantId, { limit: 10, q: 'password', status: 'archived' })).items.map((x) => x.id)).toEqual([a.id]);
  });

  it('keeps a slug unique in its locale, and a category referenced only while it exists', async () => {
    await create();
    expect(await refusal(create())).toBe('conflict');
    const zh = await create({ locale: 'zh-cn', title: '重置密码' });
    expect(zh.locale).toBe('zh-CN');
    expect(await refusal(create({ slug: 'other', categoryId: '01HZZZZZZZZZZZZZZZZZZZZZZZ' }))).toBe('unprocessable');

    const category = await core.categories.create(tenantId, { name: 'Accounts' });
    const filed = await create({ slug: 'filed', categoryId: category.id });
    expect(await refusal(core.categories.remove(tenantId, category.id, undefined))).toBe('conflict');
    await patch(filed.id, { categoryId: null });
    await core.categories.remove(tenantId, category.id, undefined);
    expect(await refusal(core.categories.get(tenantId, category.id))).toBe('not-found');
  });

  it('keeps every transaction within 100 items when a long article is rewritten, published and rolled back', async () => {
    const words = (prefix: string) => Array.from({ length: 80 }, (_, i) => `${prefix}${i}`).join(' ');
    const a = await create({ title: 'Alpha', body: words('a') });
    await core.articles.publish(tenantId, a.id, undefined, 'lead');
    await patch(a.id, { title: 'Beta', body: words('b') });
    await core.articles.publish(tenantId, a.id, undefined, 'lead');
    await core.articles.rollback(tenantId, a.id, 1, undefined, 'lead');
    expect(Math.max(...fake.transactionSizes)).toBeLessThanOrEqual(100);
    expect(fake.termEntries(tenantId, 'P').every((sk) => sk.startsWith('a') || sk.startsWith('alpha'))).toBe(true);
  });
});

describe('search', () => {
  it('finds only published articles publicly, drafts too for staff, Chinese included', async () => {
    const zh = await create({ locale: 'zh-CN', slug: 'chong-zhi', title: '如何重置密码', body: '打开设置，然后点击安全。' });
    const en = await create({ slug: 'vpn', title: 'Connect to the VPN', body: 'Install the client.' });
    await create({ slug: 'draft-only', title: 'Password policy draft', body: '密码规则' });
    await core.articles.publish(tenantId, zh.id, undefined, 'lead');
    await core.articles.publish(tenantId, en.id, undefined, 'lead');

    expect((await publicSearch('重置密码')).items.map((h) => h.slug)).toEqual(['chong-zhi']);
    expect((await publicSearch('密码')).items.map((h) => h.slug)).toEqual(['chong-zhi']);
    expect((await publicSearch('设置', 'zh')).items.map((h) => h.slug)).toEqual(['chong-zhi']);
    expect((await publicSearch('设置', 'en')).items).toEqual([]);
    expect((await publicSearch('passw')).items).toEqual([]);
    expect((await publicSearch('vpn client')).items.map((h) => h.slug)).toEqual(['vpn']);
    expect((await publicSearch('vpn', 'en-US')).items).toEqual([]);
    expect((await publicSearch('vpn')).items[0]).toMatchObject({ title: 'Connect to the VPN', excerpt: 'Install the client.' });
    expect((await publicSearch('vpn')).items[0]).not.toHaveProperty('body');

    const staff = async (q: string) => (await core.articles.list(tenantId, { limit: 10, q })).items.map((a) => a.slug).sort();
    expect(await staff('密码')).toEqual(['chong-zhi', 'draft-only']);
    expect(await staff('password')).toEqual(['draft-only']);
    const listed = await core.public.search(tenantId, { limit: 10 });
    expect(listed.items.map((h) => h.slug).sort()).toEqual(['chong-zhi', 'vpn']);
  });

  it('gives pages of limit distinct articles, and a walk meets each match once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const a = await create({ slug: `p${i}`, title: `Passport pass password ${i}`, body: 'passage passing passive' });
      await core.articles.publish(tenantId, a.id, undefined, 'lead');
      ids.push(a.id);
    }
    await create({ slug: 'unpublished', title: 'Passwords in drafts' });
    for (const search of [
      (cursor?: string) => publicSearch('pass', undefined, 2, cursor),
      (cursor?: string) => core.articles.list(tenantId, { limit: 2, cursor, q: 'pass' }),
    ]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await search(cursor);
        const got = page.items.map((h) => ('articleId' in h ? h.articleId : h.id));
        if (page.nextCursor) expect(got).toHaveLength(2);
        seen.push(...got);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(7);
      expect(ids.every((id) => seen.includes(id))).toBe(true);
    }
  });
});

describe('feedback, views and the report', () => {
  it('counts views and feedback per day, once per session, and reports the helpful rate', async () => {
    const a = await create();
    await core.articles.publish(tenantId, a.id, undefined, 'lead');
    await core.public.recordView(tenantId, a.id);
    await core.public.recordView(tenantId, a.id);
    await core.public.recordFeedback(tenantId, { slug: 'reset-password', helpful: true, sessionId: 'session-0001' });
    expect(await refusal(core.public.recordFeedback(tenantId, { slug: 'reset-password', helpful: false, sessionId: 'session-0001' }))).toBe(
      'conflict',
    );
    await core.public.recordFeedback(tenantId, { slug: 'reset-password', helpful: false, comment: 'Step 2 is missing' });
    await core.public.recordFeedback(tenantId, { slug: 'reset-password', helpful: false, sessionId: 'session-0002' });
    expect(await refusal(core.public.recordFeedback(tenantId, { slug: 'nothing-here', helpful: true }))).toBe('not-found');

    await clock.advance(24 * hour);
    await core.public.recordView(tenantId, a.id);
    const report = await core.report(tenantId, '2026-06-01', '2026-06-02');
    expect(report.items).toEqual([
      expect.objectContaining({
        articleId: a.id,
        title: 'Reset your password',
        views: 3,
        helpful: 1,
        unhelpful: 2,
        helpfulRate: 0.333,
        deflections: 0,
      }),
    ]);
    expect((await core.report(tenantId, '2026-06-02', '2026-06-02')).items[0]).toMatchObject({ views: 1, helpful: 0 });
    expect((await core.report('other', '2026-06-01', '2026-06-02')).items).toEqual([]);
    const comments = await core.articles.comments(tenantId, a.id, { limit: 10 });
    expect(comments.items).toEqual([expect.objectContaining({ comment: 'Step 2 is missing', helpful: false, number: 1 })]);
  });
});

describe('deflection', () => {
  const runJobs = async () => {
    const due = jobs.filter((j) => j.at <= clock.now());
    for (const job of due) {
      jobs.splice(jobs.indexOf(job), 1);
      const payload = job.payload as DeflectionJob;
      await core.countDeflection(payload.tenantId, payload.sessionId);
    }
  };
  const viewed = async (slugs: string[], sessionId: string, contactId?: string) => {
    await core.public.recordSearchSession(tenantId, sessionId, contactId);
    for (const slug of slugs) {
      const p = await core.public.getPublished(tenantId, slug);
      await core.public.recordView(tenantId, p!.articleId, sessionId);
    }
  };

  beforeEach(async () => {
    for (const slug of ['one', 'two']) {
      const a = await create({ slug, title: `Article ${slug}` });
      await core.articles.publish(tenantId, a.id, undefined, 'lead');
    }
  });

  it('counts each viewed article 24 h after the search, once, on the search day', async () => {
    const start = clock.now();
    await viewed(['one', 'two'], 'visitor-aaaa');
    await core.public.recordSearchSession(tenantId, 'visitor-aaaa');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ name: deflectionJobName(tenantId, 'visitor-aaaa'), target: 'knowledge' });
    expect(jobs[0]!.at.getTime() - start.getTime()).toBe(24 * hour);
    expect(jobs[0]!.name).toMatch(/^[0-9a-zA-Z\-_.]{1,64}$/);

    await clock.advance(23 * hour);
    await runJobs();
    expect((await core.report(tenantId, start.toISOString().slice(0, 10), start.toISOString().slice(0, 10))).totals.deflections).toBe(0);
    await clock.advance(hour);
    await runJobs();
    const day = start.toISOString().slice(0, 10);
    expect((await core.report(tenantId, day, day)).items.map((i) => i.deflections)).toEqual([1, 1]);
    // A redelivered timer counts nothing more, and later views do not join a counted session.
    expect(await core.countDeflection(tenantId, 'visitor-aaaa')).toEqual([]);
    await viewed(['one'], 'visitor-aaaa');
    expect((await core.report(tenantId, day, day)).totals.deflections).toBe(2);
    expect(fake.events.filter((e) => e.type === 'kb_session.deflected')).toHaveLength(1);
  });

  it('counts nothing when the contact opened a ticket within the 24 h, and counts when the ticket came later', async () => {
    const start = clock.now();
    const day = start.toISOString().slice(0, 10);
    await viewed(['one'], 'visitor-bbbb', 'contact-b');
    await viewed(['two'], 'visitor-cccc', 'contact-c');
    await clock.advance(2 * hour);
    await core.ticketCreated(tenantId, 'contact-b', clock.now().toISOString(), 'ticket-1');
    await core.ticketCreated(tenantId, 'contact-b', clock.now().toISOString(), 'ticket-1');
    await core.ticketCreated('other-tenant', 'contact-c', clock.now().toISOString(), 'ticket-2');
    await clock.advance(22 * hour);
    await runJobs();
    await clock.advance(2 * hour);
    await core.ticketCreated(tenantId, 'contact-c', clock.now().toISOString(), 'ticket-3');
    await runJobs();
    const report = await core.report(tenantId, day, day);
    expect(report.items.map((i) => [i.slug, i.deflections])).toEqual([
      ['one', 0],
      ['two', 1],
    ]);
    expect(fake.session(tenantId, 'visitor-bbbb')).toMatchObject({ deflected: [] });
  });
});
