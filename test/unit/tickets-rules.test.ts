import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { classify, defaultRules, ruleDocument } from '../../functions/tickets/classify.ts';
import { type NewTicket, type Ticket, type TicketRule, ticketRulesBody, updateTicketBody } from '../../functions/tickets/schemas.ts';
import { ticketService } from '../../functions/tickets/service.ts';
import { canMove, transitions } from '../../functions/tickets/status.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { systemActor, userActor } from '../../shared/domain/actor.ts';
import { DomainError } from '../../shared/errors.ts';
import { systemClock, useClock } from '../../shared/ports/clock.ts';
import { type FakeTickets, fakeTicketRepository } from '../support/fakes/tickets.ts';

const tenantId = 'acme';
const day = 86_400_000;
const agent = userActor('agent-1');
const intake = systemActor('intake');
const clock = new ManualClock(new Date('2026-06-01T09:00:00Z'));

let fake: FakeTickets;
let service: ReturnType<typeof ticketService>;

beforeEach(() => {
  useClock(clock);
  fake = fakeTicketRepository();
  service = ticketService(fake.repo, fake.references);
  fake.addContact(tenantId, { id: 'c-1', ownerId: 'rep-1', lifecycleStage: 'customer', tags: [], attributes: {} });
});
afterAll(() => useClock(systemClock));

const open = async (fields: Partial<NewTicket> = {}) =>
  (await service.open(tenantId, { contactId: 'c-1', subject: 'Help', body: 'Please', channel: 'email', ...fields }, intake)).ticket;
const patch = (t: Ticket, fields: Record<string, unknown>, ifMatch?: number) =>
  service.patch(tenantId, t.id, updateTicketBody.parse(fields), ifMatch);
const customerSays = (t: Ticket, body: string, sourceMessageId?: string) =>
  service.reply(tenantId, t.id, { author: 'customer', authorId: 'c-1', body, public: true, channel: 'email', sourceMessageId }, intake);
const agentSays = (t: Ticket, body: string, isPublic = true) =>
  service.reply(tenantId, t.id, { author: 'agent', authorId: 'agent-1', body, public: isPublic, channel: 'email' }, agent);
const types = () => fake.events.map((e) => e.type);
const rule = (name: string, when: Record<string, unknown>, actions: TicketRule['then'], stop?: boolean): TicketRule => ({
  name,
  when,
  // biome-ignore lint/suspicious/noThenProperty: a rule's action is named `then` in the rules format (an object, never a function)
  then: actions,
  ...(stop && { stop }),
});
const refusal = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
};

describe('statuses', () => {
  it('allows only the listed moves: new is only a start and closed is final', () => {
    for (const from of Object.keys(transitions) as (keyof typeof transitions)[]) {
      expect(canMove(from, 'new') || from === 'new', from).toBe(from === 'new');
      expect(canMove('closed', from), from).toBe(from === 'closed');
    }
    expect(canMove('resolved', 'open')).toBe(true);
    expect(canMove('resolved', 'pending_customer')).toBe(false);
  });

  it('refuses an illegal move with 422 naming the allowed ones, and writes nothing', async () => {
    const t = await open();
    const closed = await patch(t, { status: 'closed' });
    expect(closed.closedAt).toBe(clock.now().toISOString());
    const before = fake.events.length;
    const error = await refusal(patch(closed, { status: 'open' }));
    expect(error.kind).toBe('unprocessable');
    expect(error.extra.allowed).toEqual([]);
    expect(fake.events.length).toBe(before);
    const other = await open();
    const opened = await patch(other, { status: 'open' });
    expect((await refusal(patch(opened, { status: 'new', priority: 'high' }))).kind).toBe('unprocessable');
    expect((await service.get(tenantId, other.id))!).toMatchObject({ status: 'open', priority: 'normal', version: 2 });
  });

  it('sets resolvedAt and emits status_changed and resolved; reopening by PATCH emits reopened and clears resolvedAt', async () => {
    const t = await open();
    const resolved = await patch(t, { status: 'resolved' });
    expect(resolved.resolvedAt).toBeDefined();
    const reopened = await patch(resolved, { status: 'open' });
    expect(reopened.resolvedAt).toBeUndefined();
    expect(types()).toEqual(['ticket.created', 'ticket.status_changed', 'ticket.resolved', 'ticket.status_changed', 'ticket.reopened']);
  });

  it('checks If-Match, and writes nothing for a PATCH that changes nothing', async () => {
    const t = await open();
    expect((await refusal(patch(t, { priority: 'high' }, 7))).kind).toBe('precondition-failed');
    expect(await patch(t, { priority: 'normal' }, 1)).toEqual(t);
    expect(types()).toEqual(['ticket.created']);
    const changed = await patch(t, { priority: 'high', category: 'billing', assigneeId: 'agent-2' }, 1);
    expect(changed.version).toBe(2);
    expect(types()).toEqual(['ticket.created', 'ticket.updated', 'ticket.assigned']);
    expect(fake.events[1]!.data.changed).toEqual(['priority', 'category']);
    const cleared = await patch(changed, { category: null, assigneeId: null });
    expect(cleared.category).toBeUndefined();
    expect(cleared.assigneeId).toBeUndefined();
    expect(fake.events.at(-1)!.data).toMatchObject({ previousAssigneeId: 'agent-2' });
  });
});

describe('the conversation', () => {
  it('sets firstResponseAt on the first public agent reply only and moves new to open; a note changes neither', async () => {
    const t = await open();
    const note = await agentSays(t, 'internal', false);
    expect(note.ticket).toMatchObject({ status: 'new' });
    expect(note.ticket.firstResponseAt).toBeUndefined();
    const first = await agentSays(t, 'hello');
    expect(first.ticket.status).toBe('open');
    const at = first.ticket.firstResponseAt;
    expect(at).toBe(clock.now().toISOString());
    await clock.advance(60_000);
    expect((await agentSays(t, 'again')).ticket.firstResponseAt).toBe(at);
    expect(types()).toEqual(['ticket.created', 'ticket.replied', 'ticket.replied', 'ticket.status_changed', 'ticket.replied']);
    expect(fake.events[1]!.data).toMatchObject({ public: false, author: 'agent' });
  });

  it('moves a pending ticket back to open on a customer reply; on hold stays on hold', async () => {
    const t = await open();
    await patch(t, { status: 'pending_customer' });
    expect((await customerSays(t, 'here you go')).ticket.status).toBe('open');
    await patch(t, { status: 'on_hold' });
    expect((await customerSays(t, 'any news?')).ticket.status).toBe('on_hold');
  });

  it('reopens a resolved ticket within the window and opens a linked follow-up after it', async () => {
    const t = await open();
    await patch(t, { status: 'resolved' });
    await clock.advance(6 * day);
    const reopened = await customerSays(t, 'still broken');
    expect(reopened.ticket).toMatchObject({ id: t.id, status: 'open' });
    expect(types().slice(-3)).toEqual(['ticket.replied', 'ticket.status_changed', 'ticket.reopened']);

    await patch(t, { status: 'resolved' });
    await clock.advance(7 * day + 60_000);
    const late = await customerSays(t, 'it broke again');
    expect(late.ticket.id).not.toBe(t.id);
    expect(late.ticket).toMatchObject({ previousTicketId: t.id, status: 'new', contactId: 'c-1', subject: 'Help' });
    expect(late.message).toMatchObject({ ticketId: late.ticket.id, author: 'customer', body: 'it broke again' });
    expect((await service.get(tenantId, t.id))!.status).toBe('resolved');
    expect(types().at(-1)).toBe('ticket.created');
  });

  it('follows the tenant reopen window, and always follows up a closed ticket', async () => {
    await service.docs.replaceSettings(tenantId, { reopenWindowDays: 1 }, undefined);
    const t = await open();
    await patch(t, { status: 'resolved' });
    await clock.advance(2 * day);
    expect((await customerSays(t, 'hello?')).ticket.id).not.toBe(t.id);
    const u = await open();
    await patch(u, { status: 'closed' });
    expect((await customerSays(u, 'hello?')).ticket.previousTicketId).toBe(u.id);
  });

  it('refuses a public agent reply to a closed ticket but keeps a note', async () => {
    const t = await open();
    await patch(t, { status: 'closed' });
    expect((await refusal(agentSays(t, 'too late'))).kind).toBe('conflict');
    expect((await agentSays(t, 'for the record', false)).message.public).toBe(false);
  });

  it('adds a source message once, however often it comes', async () => {
    const t = await open();
    const a = await customerSays(t, 'once', '<m@x>');
    const b = await customerSays(t, 'once', '<m@x>');
    expect(b.message.id).toBe(a.message.id);
    expect((await service.conversation(tenantId, t.id, false, { limit: 10 })).items).toHaveLength(2);
  });

  it('retries a reply that lost a race on fresh data', async () => {
    const t = await open();
    fake.touch(tenantId, t.id, { priority: 'urgent' });
    const { ticket } = await agentSays(t, 'hi');
    expect(ticket).toMatchObject({ priority: 'urgent', status: 'open', version: 3 });
  });
});

describe('opening', () => {
  it('gives each ticket the next reference and opens once per source message', async () => {
    const a = await open({ sourceMessageId: '<1@x>' });
    const again = await service.open(
      tenantId,
      { contactId: 'c-1', subject: 'x', body: 'y', channel: 'email', sourceMessageId: '<1@x>' },
      intake,
    );
    expect(again).toMatchObject({ created: false, ticket: { id: a.id } });
    expect(again.message.body).toBe('Please');
    const b = await open();
    expect([a.reference, b.reference]).toEqual(['T-1001', 'T-1002']);
    expect(types()).toEqual(['ticket.created', 'ticket.created']);
  });

  it('refuses a contact that does not exist with 422', async () => {
    expect((await refusal(open({ contactId: 'nobody' }))).kind).toBe('unprocessable');
    expect(fake.events).toEqual([]);
  });
});

describe('classification rules', () => {
  const doc = (subject: string, body = '', contact: Record<string, unknown> = {}) =>
    ruleDocument({ subject, body, channel: 'email', tags: [] }, { tags: [], attributes: {}, ...contact });

  it('recognise complaints by keyword, in any case and in Chinese, by default', () => {
    expect(classify(defaultRules, doc('Refund please')).category).toBe('complaint');
    expect(classify(defaultRules, doc('Hello', 'This is UNACCEPTABLE.')).priority).toBe('high');
    expect(classify(defaultRules, doc('我要投诉')).category).toBe('complaint');
    expect(classify(defaultRules, doc('Where is my parcel?')).matched).toEqual([]);
  });

  it('raise priority (never lower it), let a later rule set category and team, merge tags, and stop', () => {
    const rules = [
      rule('vip', { contact: { tier: ['gold'] } }, { priority: 'urgent', tags: ['vip'] }),
      rule('low', { ticket: { channel: ['email'] } }, { priority: 'low', category: 'general', teamId: 'mail', tags: ['mail'] }),
      rule('billing', { ticket: { text: [{ wildcard: '*invoice*' }] } }, { category: 'billing', teamId: 'billing' }, true),
      rule('never', { ticket: { channel: ['email'] } }, { category: 'unreached' }),
    ];
    const out = classify(rules, doc('Invoice', '', { attributes: { tier: 'gold' } }));
    expect(out).toEqual({
      category: 'billing',
      priority: 'urgent',
      teamId: 'billing',
      tags: ['vip', 'mail'],
      matched: ['vip', 'low', 'billing'],
    });
  });

  it('apply when opening: explicit category and team win, priority only rises, tags merge', async () => {
    const complaint = await open({ subject: 'Complaint', priority: 'urgent', tags: ['mine'] });
    expect(complaint).toMatchObject({ category: 'complaint', priority: 'urgent', tags: ['mine', 'complaint'] });
    const given = await open({ subject: 'Refund', category: 'billing', priority: 'low' });
    expect(given).toMatchObject({ category: 'billing', priority: 'high' });
    await service.docs.replaceRules(tenantId, [rule('lifecycle', { contact: { lifecycleStage: ['customer'] } }, { teamId: 'care' })], 0);
    expect(await open({ subject: 'Complaint' })).toMatchObject({ teamId: 'care', priority: 'normal' });
    expect((await open({ subject: 'x', teamId: 'own' })).teamId).toBe('own');
  });

  it('are validated on PUT, naming the bad rule', () => {
    const parsed = ticketRulesBody.safeParse({
      rules: [
        rule('good', { ticket: { channel: ['chat'] } }, { priority: 'high' }),
        rule('bad one', { ticket: { subject: 'x' } }, { priority: 'high' }),
      ],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: ['rules', 1, 'when'] });
    expect(parsed.error!.issues[0]!.message).toContain('bad one');
    expect(ticketRulesBody.safeParse({ rules: [rule('empty', { ticket: { channel: ['chat'] } }, {})] }).success).toBe(false);
  });

  it('are replaced under If-Match, a stale version refused', async () => {
    expect((await service.docs.rules(tenantId)).version).toBe(0);
    await service.docs.replaceRules(tenantId, [], 0);
    expect((await refusal(service.docs.replaceRules(tenantId, [], 0))).kind).toBe('precondition-failed');
    expect(await service.docs.rules(tenantId)).toMatchObject({ rules: [], version: 1 });
    expect(types()).toEqual(['tickets.rules_updated']);
  });
});

describe('assignment and SLA snapshots', () => {
  it('assigns only while the assignee is still the expected one', async () => {
    const t = await open();
    const first = await service.assign(tenantId, t.id, { teamId: 'team-1', assigneeId: 'agent-1', expectedAssigneeId: null });
    expect(first).toMatchObject({ teamId: 'team-1', assigneeId: 'agent-1' });
    expect(await service.assign(tenantId, t.id, { assigneeId: 'agent-2', expectedAssigneeId: null })).toBeUndefined();
    expect(await service.assign(tenantId, t.id, { assigneeId: 'agent-2', expectedAssigneeId: 'agent-1' })).toMatchObject({
      assigneeId: 'agent-2',
    });
    expect(types()).toEqual(['ticket.created', 'ticket.updated', 'ticket.assigned', 'ticket.assigned']);
    expect(fake.events.at(-1)!.data).toMatchObject({ assigneeId: 'agent-2', previousAssigneeId: 'agent-1' });
  });

  it('keeps the newest SLA revision and leaves the version alone', async () => {
    const t = await open();
    const sla = { policyId: 'p', businessTime: true, pausedMinutes: 0, targets: {}, revision: 2 };
    await service.recordSla(tenantId, t.id, sla);
    await service.recordSla(tenantId, t.id, { ...sla, policyId: 'old', revision: 1 });
    const read = await service.get(tenantId, t.id);
    expect(read).toMatchObject({ version: 1, sla: { policyId: 'p', revision: 2 } });
    await patch(read!, { priority: 'high' }, 1);
    expect((await service.get(tenantId, t.id))!.sla?.revision).toBe(2);
  });
});
