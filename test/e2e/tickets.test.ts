import { describe, expect, it } from 'vitest';
import { ticketsApi } from '../../functions/tickets/api.ts';
import { systemActor } from '../../shared/domain/actor.ts';
import type { Role } from '../../shared/http/route.ts';
import { eventually } from '../support/eventually.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

const rt = useTestRuntime();
const as =
  (tenant: string, role: Role, user = `${role}-user`) =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role], user))(...args);

const contactOf = async (tenant: string, body: Record<string, unknown> = {}) => {
  const res = await as(tenant, 'admin')('POST', '/contacts', { firstName: 'Ada', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
};
/** A classification rule as PUT /ticket-rules takes it. */
const rule = (name: string, when: Record<string, unknown>, actions: Record<string, unknown>, stop?: boolean) => ({
  name,
  when,
  // biome-ignore lint/suspicious/noThenProperty: a rule's action is named `then` in the rules format (an object, never a function)
  then: actions,
  ...(stop && { stop }),
});
const emailsTo = (address: string) =>
  rt.outbox.messages().flatMap((m) => (m.channel === 'email' && m.email.to === address ? [m.email] : []));

describe('tickets over HTTP', () => {
  it('opens a ticket with a reference, classifies a complaint, and finds or creates the contact by email', async () => {
    const tenant = uniqueTenant('tk-open');
    const support = as(tenant, 'support', 'agent-1');
    const contact = await contactOf(tenant, { email: 'ada@tickets.example' });
    const first = await support('POST', '/tickets', { contactId: contact.id, subject: 'Cannot log in', body: 'It says no.' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.headers.get('location')).toBe(`/tickets/${first.body.id}`);
    expect(first.headers.get('etag')).toBe('"1"');
    expect(first.body).toMatchObject({ status: 'new', priority: 'normal', channel: 'api', contactId: contact.id, version: 1 });
    expect(first.body.reference).toMatch(/^T-\d+$/);

    const complaint = await support('POST', '/tickets', {
      email: 'Ada@Tickets.example',
      subject: 'This is UNACCEPTABLE',
      body: 'I want a refund.',
      priority: 'low',
    });
    expect(complaint.body).toMatchObject({ contactId: contact.id, category: 'complaint', priority: 'high' });
    expect(complaint.body.tags).toContain('complaint');
    expect(Number(complaint.body.reference.slice(2))).toBe(Number(first.body.reference.slice(2)) + 1);
    const chinese = await support('POST', '/tickets', { email: 'new@tickets.example', subject: '我要投诉', body: '服务太差' });
    expect(chinese.body.category).toBe('complaint');
    expect(chinese.body.contactId).not.toBe(contact.id);
    expect((await as(tenant, 'admin')('GET', `/contacts/${chinese.body.contactId}`)).body.email).toBe('new@tickets.example');

    const mine = await support('GET', `/contacts/${contact.id}/tickets`);
    expect(mine.body.items.map((t: { id: string }) => t.id)).toEqual([complaint.body.id, first.body.id]);
  });

  it('changes a ticket under If-Match, refuses an illegal status move, and emits the events in order', async () => {
    const tenant = uniqueTenant('tk-patch');
    const seen: { type: string; data: Record<string, unknown> }[] = [];
    const stop = rt.bus.onEvent(
      (e) => e.detail.tenantId === tenant && String(e['detail-type']).startsWith('ticket.') && seen.push(e.detail as never),
    );
    try {
      const support = as(tenant, 'support');
      const contact = await contactOf(tenant);
      const { body: t } = await support('POST', '/tickets', { contactId: contact.id, subject: 'Printer', body: 'On fire' });
      const moved = await support(
        'PATCH',
        `/tickets/${t.id}`,
        { status: 'pending_customer', assigneeId: 'agent-2', tags: ['hw'] },
        { 'if-match': '"1"' },
      );
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.headers.get('etag')).toBe('"2"');
      expect((await support('PATCH', `/tickets/${t.id}`, { priority: 'urgent' }, { 'if-match': '"1"' })).status).toBe(412);
      const resolved = await support('PATCH', `/tickets/${t.id}`, { status: 'resolved' });
      expect(resolved.body.resolvedAt).toBeDefined();
      const closed = await support('PATCH', `/tickets/${t.id}`, { status: 'closed' });
      expect(closed.body.status).toBe('closed');
      const illegal = await support('PATCH', `/tickets/${t.id}`, { status: 'open' });
      expect(illegal.status).toBe(422);
      expect(illegal.headers.get('content-type')).toBe('application/problem+json');
      expect((await support('GET', `/tickets/${t.id}`)).body.version).toBe(4);
      await eventually(() =>
        expect(seen.map((e) => e.type)).toEqual([
          'ticket.created',
          'ticket.updated',
          'ticket.assigned',
          'ticket.status_changed',
          'ticket.status_changed',
          'ticket.resolved',
          'ticket.status_changed',
        ]),
      );
      expect(seen[1]!.data.changed).toEqual(['tags']);
      expect(seen[5]!.data).toMatchObject({ ticketId: t.id, contactId: contact.id, reference: t.reference });
    } finally {
      stop();
    }
  });

  it("emails an agent's reply with the reference, keeps notes internal, and puts both on the timeline", async () => {
    const tenant = uniqueTenant('tk-reply');
    const support = as(tenant, 'support', 'agent-7');
    const contact = await contactOf(tenant, { email: 'reply@tickets.example' });
    const { body: t } = await support('POST', '/tickets', {
      contactId: contact.id,
      subject: 'Where is my order?',
      body: 'Ordered last week.',
    });
    const note = await support('POST', `/tickets/${t.id}/notes`, { body: 'Checking with the warehouse' });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ public: false, author: 'agent', authorId: 'agent-7', ticket: { status: 'new' } });
    expect(note.body.ticket.firstResponseAt).toBeUndefined();
    const reply = await support('POST', `/tickets/${t.id}/replies`, { body: 'It ships tomorrow.' });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('location')).toBe(`/tickets/${t.id}`);
    expect(reply.body.ticket).toMatchObject({ status: 'open', version: 3 });
    expect(reply.body.ticket.firstResponseAt).toBeDefined();

    await rt.settle();
    await eventually(() => expect(emailsTo('reply@tickets.example')).toHaveLength(1));
    const mail = emailsTo('reply@tickets.example')[0]!;
    expect(mail.subject).toBe(`[${t.reference}] Re: Where is my order?`);
    expect(mail.text).toContain('It ships tomorrow.');
    expect(mail.text).not.toContain('warehouse');

    const conversation = await support('GET', `/tickets/${t.id}/messages`);
    expect(conversation.body.items.map((m: { body: string; public: boolean }) => [m.body, m.public])).toEqual([
      ['Ordered last week.', true],
      ['Checking with the warehouse', false],
      ['It ships tomorrow.', true],
    ]);
    expect((await ticketsApi.conversation({ tenantId: tenant, ticketId: t.id, publicOnly: true, page: { limit: 10 } })).items).toHaveLength(
      2,
    );
    await eventually(async () => {
      const timeline = (await as(tenant, 'admin')('GET', `/contacts/${contact.id}/activities`)).body.items as {
        type: string;
        body?: string;
        metadata?: Record<string, unknown>;
      }[];
      const ofTicket = timeline.filter((a) => a.metadata?.ticketId === t.id);
      expect(ofTicket.map((a) => [a.type, a.metadata?.internal]).sort()).toEqual(
        [
          ['message', false],
          ['message', false],
          ['note', true],
        ].sort(),
      );
    });
  });

  it('lists by status, assignee and team with cursors', async () => {
    const tenant = uniqueTenant('tk-list');
    const support = as(tenant, 'support', 'agent-1');
    const contact = await contactOf(tenant);
    const made: { id: string }[] = [];
    for (const subject of ['a', 'b', 'c', 'd'])
      made.push((await support('POST', '/tickets', { contactId: contact.id, subject, body: 'x', teamId: 'team-1' })).body);
    await support('PATCH', `/tickets/${made[1]!.id}`, { assigneeId: 'agent-1', status: 'open' });
    await support('PATCH', `/tickets/${made[3]!.id}`, { assigneeId: 'agent-1', teamId: 'team-2' });
    const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((t) => t.id);

    const page1 = await support('GET', '/tickets?status=new&limit=2');
    expect(ids(page1)).toEqual([made[0]!.id, made[2]!.id]);
    const page2 = await support('GET', `/tickets?status=new&limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
    expect(ids(page2)).toEqual([made[3]!.id]);
    expect(ids(await support('GET', '/tickets?assigneeId=agent-1'))).toEqual([made[1]!.id, made[3]!.id]);
    expect(ids(await support('GET', '/tickets'))).toEqual([made[1]!.id, made[3]!.id]);
    expect(ids(await support('GET', '/tickets?teamId=team-1'))).toEqual([made[0]!.id, made[1]!.id, made[2]!.id]);
    expect(ids(await support('GET', '/tickets?teamId=team-1&status=new'))).toEqual([made[0]!.id, made[2]!.id]);
    expect(ids(await support('GET', '/tickets?teamId=team-2'))).toEqual([made[3]!.id]);
    expect((await support('GET', `/tickets?status=open&cursor=${encodeURIComponent(page1.body.nextCursor)}`)).status).toBe(400);
  });

  it('keeps tenants apart, lets sales read only the tickets of its own contacts, and refuses analysts', async () => {
    const tenant = uniqueTenant('tk-access');
    const owned = await contactOf(tenant, { ownerId: 'rep-1' });
    const other = await contactOf(tenant, { ownerId: 'rep-2' });
    const support = as(tenant, 'support');
    const { body: mine } = await support('POST', '/tickets', { contactId: owned.id, subject: 'mine', body: 'x' });
    const { body: theirs } = await support('POST', '/tickets', { contactId: other.id, subject: 'theirs', body: 'x' });
    const rep = as(tenant, 'sales', 'rep-1');
    expect((await rep('GET', `/tickets/${mine.id}`)).status).toBe(200);
    expect((await rep('GET', `/tickets/${mine.id}/messages`)).body.items).toHaveLength(1);
    expect((await rep('GET', `/contacts/${owned.id}/tickets`)).body.items).toHaveLength(1);
    expect((await rep('GET', `/tickets/${theirs.id}`)).status).toBe(404);
    expect((await rep('GET', `/tickets/${theirs.id}/messages`)).status).toBe(404);
    expect((await rep('GET', `/contacts/${other.id}/tickets`)).status).toBe(404);
    expect((await rep('PATCH', `/tickets/${mine.id}`, { priority: 'high' })).status).toBe(403);
    expect((await rep('POST', `/tickets/${mine.id}/replies`, { body: 'hi' })).status).toBe(403);
    expect((await as(tenant, 'analyst')('GET', `/tickets/${mine.id}`)).status).toBe(403);
    expect((await as(tenant, 'marketing')('GET', '/tickets?status=new')).status).toBe(403);

    const stranger = uniqueTenant('tk-stranger');
    const foreign = as(stranger, 'admin');
    expect((await foreign('GET', `/tickets/${mine.id}`)).status).toBe(404);
    expect((await foreign('PATCH', `/tickets/${mine.id}`, { priority: 'high' })).status).toBe(404);
    expect((await foreign('POST', `/tickets/${mine.id}/replies`, { body: 'hi' })).status).toBe(404);
    expect((await foreign('GET', `/tickets/${mine.id}/messages`)).status).toBe(404);
    expect((await foreign('POST', '/tickets', { contactId: owned.id, subject: 's', body: 'b' })).status).toBe(422);
    expect((await foreign('GET', '/tickets?status=new')).body.items).toEqual([]);
  });

  it('writes nothing on bad input and replays an Idempotency-Key', async () => {
    const tenant = uniqueTenant('tk-input');
    const support = as(tenant, 'support', 'agent-1');
    const contact = await contactOf(tenant);
    for (const bad of [
      { subject: 'no contact', body: 'x' },
      { contactId: contact.id, email: 'a@b.example', subject: 'both', body: 'x' },
      { contactId: contact.id, subject: '', body: 'x' },
      { contactId: contact.id, subject: 's', body: 'x', priority: 'extreme' },
      { contactId: contact.id, subject: 's', body: 'x', surprise: true },
    ]) {
      const res = await support('POST', '/tickets', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await support('GET', '/tickets?status=new')).body.items).toEqual([]);
    expect((await support('GET', `/contacts/${contact.id}/tickets`)).body.items).toEqual([]);

    const body = { contactId: contact.id, subject: 'Once', body: 'only once' };
    const first = await support('POST', '/tickets', body, { 'idempotency-key': 'tk-1' });
    const again = await support('POST', '/tickets', body, { 'idempotency-key': 'tk-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const r1 = await support('POST', `/tickets/${first.body.id}/replies`, { body: 'hello' }, { 'idempotency-key': 'tk-r1' });
    const r2 = await support('POST', `/tickets/${first.body.id}/replies`, { body: 'hello' }, { 'idempotency-key': 'tk-r1' });
    expect(r2.body.id).toBe(r1.body.id);
    expect((await support('GET', `/tickets/${first.body.id}/messages`)).body.items).toHaveLength(2);
    expect((await support('POST', `/tickets/${first.body.id}/replies`, { body: '' })).status).toBe(400);
    expect((await support('GET', `/contacts/${contact.id}/tickets`)).body.items).toHaveLength(1);
  });

  it('opens once per source message, reopens within the window, and follows up after it', async () => {
    const tenant = uniqueTenant('tk-source');
    const contact = await contactOf(tenant);
    const intake = systemActor('intake');
    const input = {
      contactId: contact.id,
      subject: 'Help',
      body: 'by mail',
      channel: 'email' as const,
      sourceMessageId: '<m1@mail.example>',
    };
    const [a, b] = await Promise.all([
      ticketsApi.open({ tenantId: tenant, input, actor: intake }),
      ticketsApi.open({ tenantId: tenant, input, actor: intake }),
    ]);
    expect(a.ticket.id).toBe(b.ticket.id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    const support = as(tenant, 'support');
    await support('PATCH', `/tickets/${a.ticket.id}`, { status: 'resolved' });
    const customer = { author: 'customer' as const, authorId: contact.id, public: true, channel: 'email' as const };
    const reopened = await ticketsApi.reply({
      tenantId: tenant,
      ticketId: a.ticket.id,
      message: { ...customer, body: 'still broken', sourceMessageId: '<m2@mail.example>' },
      actor: intake,
    });
    expect(reopened.ticket).toMatchObject({ id: a.ticket.id, status: 'open' });
    const repeated = await ticketsApi.reply({
      tenantId: tenant,
      ticketId: a.ticket.id,
      message: { ...customer, body: 'still broken', sourceMessageId: '<m2@mail.example>' },
      actor: intake,
    });
    expect(repeated.message.id).toBe(reopened.message.id);
    await support('PATCH', `/tickets/${a.ticket.id}`, { status: 'closed' });
    const late = await ticketsApi.reply({
      tenantId: tenant,
      ticketId: a.ticket.id,
      message: { ...customer, body: 'one more thing', sourceMessageId: '<m3@mail.example>' },
      actor: intake,
    });
    expect(late.ticket.id).not.toBe(a.ticket.id);
    expect(late.ticket).toMatchObject({ previousTicketId: a.ticket.id, status: 'new', contactId: contact.id });
    expect(late.message).toMatchObject({ ticketId: late.ticket.id, body: 'one more thing' });
  });

  it('lets one of two racing routers assign a ticket, escalates through update, and keeps the newest SLA snapshot', async () => {
    const tenant = uniqueTenant('tk-assign');
    const contact = await contactOf(tenant);
    const routing = systemActor('routing');
    const { ticket } = await ticketsApi.open({
      tenantId: tenant,
      input: { contactId: contact.id, subject: 'Route me', body: 'x', channel: 'chat' },
      actor: routing,
    });
    const outcomes = await Promise.all(
      ['agent-a', 'agent-b', 'agent-c'].map((assigneeId) =>
        ticketsApi.assign({
          tenantId: tenant,
          ticketId: ticket.id,
          teamId: 'team-1',
          assigneeId,
          expectedAssigneeId: null,
          actor: routing,
        }),
      ),
    );
    const winners = outcomes.filter((t) => t !== undefined);
    expect(winners).toHaveLength(1);
    expect((await ticketsApi.get({ tenantId: tenant, ticketId: ticket.id }))?.assigneeId).toBe(winners[0]!.assigneeId);

    const raised = await ticketsApi.update({
      tenantId: tenant,
      ticketId: ticket.id,
      patch: { priority: 'urgent', tags: ['escalated'] },
      actor: routing,
    });
    expect(raised).toMatchObject({ priority: 'urgent', tags: ['escalated'], teamId: 'team-1' });

    const sla = {
      policyId: 'default',
      businessTime: false,
      pausedMinutes: 0,
      targets: { firstResponse: { dueAt: '2026-12-03T00:00:00.000Z', breached: false } },
    };
    await ticketsApi.recordSla({ tenantId: tenant, ticketId: ticket.id, sla: { ...sla, revision: 3 } });
    await ticketsApi.recordSla({ tenantId: tenant, ticketId: ticket.id, sla: { ...sla, policyId: 'stale', revision: 2 } });
    await ticketsApi.recordSla({ tenantId: tenant, ticketId: 'NOT-A-TICKET', sla: { ...sla, revision: 1 } });
    const read = await as(tenant, 'support')('GET', `/tickets/${ticket.id}`);
    expect(read.body).toMatchObject({ version: raised.version, sla: { policyId: 'default', revision: 3 } });
    const patched = await as(tenant, 'support')(
      'PATCH',
      `/tickets/${ticket.id}`,
      { status: 'on_hold' },
      { 'if-match': `"${raised.version}"` },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.sla.revision).toBe(3);
  });

  it('validates classification rules on PUT and applies them to new tickets', async () => {
    const tenant = uniqueTenant('tk-rules');
    const support = as(tenant, 'support');
    const defaults = await support('GET', '/ticket-rules');
    expect(defaults.body.version).toBe(0);
    expect(defaults.body.rules.map((r: { name: string }) => r.name)).toEqual(['Complaints']);
    const bad = await support('PUT', '/ticket-rules', {
      rules: [
        rule('fine', { ticket: { channel: ['email'] } }, { teamId: 'mail' }),
        rule('broken', { ticket: { subject: 'not an array' } }, { priority: 'high' }),
      ],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('broken');
    expect((await support('GET', '/ticket-rules')).body.version).toBe(0);

    const put = await support('PUT', '/ticket-rules', {
      rules: [
        rule('gold', { contact: { tier: ['gold'] } }, { priority: 'urgent', teamId: 'vip', tags: ['vip'] }, true),
        rule('billing', { ticket: { text: [{ wildcard: '*invoice*' }] } }, { category: 'billing', teamId: 'billing' }),
      ],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.headers.get('etag')).toBe('"1"');
    expect((await support('PUT', '/ticket-rules', { rules: [] }, { 'if-match': '"0"' })).status).toBe(412);
    const gold = await contactOf(tenant, { attributes: { tier: 'gold' } });
    const plain = await contactOf(tenant);
    const vip = await support('POST', '/tickets', { contactId: gold.id, subject: 'Invoice wrong', body: 'x' });
    expect(vip.body).toMatchObject({ priority: 'urgent', teamId: 'vip', tags: ['vip'] });
    expect(vip.body.category).toBeUndefined();
    const billing = await support('POST', '/tickets', { contactId: plain.id, subject: 'My INVOICE', body: 'x' });
    expect(billing.body).toMatchObject({ priority: 'normal', teamId: 'billing', category: 'billing' });

    expect((await support('GET', '/ticket-settings')).body).toMatchObject({ reopenWindowDays: 7, version: 0 });
    expect((await support('PUT', '/ticket-settings', { reopenWindowDays: 3 })).body).toMatchObject({ reopenWindowDays: 3, version: 1 });
    expect((await support('PUT', '/ticket-settings', { reopenWindowDays: -1 })).status).toBe(400);
  });
});
