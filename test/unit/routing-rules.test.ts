import { describe, expect, it } from 'vitest';
import { candidateOrder, skillTier, wantedSkills } from '../../functions/routing/rules.ts';
import { createTeamBody, type Team } from '../../functions/routing/schemas.ts';
import { countViolations, stepsFromEvents } from '../../functions/routing/violations.ts';
import { subscriptions } from '../../functions/subscriptions.ts';
import { matchesPattern } from '../../shared/events/pattern.ts';

const team = (fields: Partial<Team> & { members: Team['members'] }): Team => ({
  id: '01J00000000000000000000000',
  version: 1,
  name: 'Support',
  lead: { userId: 'lead', email: 'lead@example.com' },
  mode: 'round_robin',
  createdAt: '2026-06-01T00:00:00.000Z',
  updatedAt: '2026-06-01T00:00:00.000Z',
  ...fields,
});
const member = (userId: string, skills: string[] = [], capacity = 5, active = true) => ({ userId, skills, capacity, active });
const ids = (members: { userId: string }[]) => members.map((m) => m.userId);
const plain = { tags: [] as string[] };

describe('candidate order', () => {
  const three = team({ members: [member('ann'), member('bob'), member('cy')] });

  it('rotates the member order by the turn, so consecutive turns start at consecutive members', () => {
    expect(ids(candidateOrder(three, plain, 1))).toEqual(['ann', 'bob', 'cy']);
    expect(ids(candidateOrder(three, plain, 2))).toEqual(['bob', 'cy', 'ann']);
    expect(ids(candidateOrder(three, plain, 3))).toEqual(['cy', 'ann', 'bob']);
    expect(ids(candidateOrder(three, plain, 4))).toEqual(['ann', 'bob', 'cy']);
  });

  it('gives each member the first place equally often over many turns', () => {
    const firsts = new Map<string, number>();
    for (let turn = 1; turn <= 300; turn++) {
      const first = candidateOrder(three, plain, turn)[0]!.userId;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    expect(Object.fromEntries(firsts)).toEqual({ ann: 100, bob: 100, cy: 100 });
  });

  it('leaves out inactive members and members of capacity 0', () => {
    const some = team({ members: [member('ann', [], 5, false), member('bob'), member('cy', [], 0)] });
    expect(ids(candidateOrder(some, plain, 1))).toEqual(['bob']);
    expect(candidateOrder(team({ members: [member('ann', [], 5, false)] }), plain, 1)).toEqual([]);
  });

  it('puts members with every wanted skill first, then members with some, then the rest', () => {
    const skilled = team({
      members: [member('ann', ['billing']), member('bob', ['billing', 'refunds']), member('cy'), member('dee', ['refunds'])],
    });
    const ticket = { category: 'Billing', tags: ['refunds', 'vip'] };
    expect(wantedSkills(skilled, ticket)).toEqual(['billing', 'refunds']);
    for (let turn = 1; turn <= 4; turn++) {
      const order = ids(candidateOrder(skilled, ticket, turn));
      expect(order[0]).toBe('bob');
      expect(order.slice(1, 3).sort()).toEqual(['ann', 'dee']);
      expect(order[3]).toBe('cy');
    }
    // Words the team has no skill for do not count: a "vip" tag alone wants nothing, so the order is plain round robin.
    expect(wantedSkills(skilled, { tags: ['vip'] })).toEqual([]);
    expect(ids(candidateOrder(skilled, { tags: ['vip'] }, 2))).toEqual(['bob', 'cy', 'dee', 'ann']);
  });

  it('matches skills case- and width-insensitively', () => {
    expect(skillTier(member('ann', ['Billing']), ['billing'])).toBe(0);
    expect(wantedSkills(team({ members: [member('ann', ['ｂｉｌｌｉｎｇ'])] }), { category: 'BILLING', tags: [] })).toEqual(['billing']);
  });

  it('load balanced: fewest open tickets first, ties in round-robin order, skill match still first', () => {
    const balanced = team({ mode: 'load_balanced', members: [member('ann'), member('bob'), member('cy', ['billing'])] });
    const loads = new Map([
      ['ann', 3],
      ['bob', 1],
      ['cy', 1],
    ]);
    expect(ids(candidateOrder(balanced, plain, 1, loads))).toEqual(['bob', 'cy', 'ann']);
    expect(ids(candidateOrder(balanced, plain, 3, loads))).toEqual(['cy', 'bob', 'ann']);
    expect(ids(candidateOrder(balanced, { category: 'billing', tags: [] }, 1, new Map([['cy', 4]])))).toEqual(['cy', 'ann', 'bob']);
  });
});

describe('team body', () => {
  it('defaults mode and active, folds skills, refuses a member twice and a user id with #', () => {
    const parsed = createTeamBody.parse({
      name: 'Support',
      lead: { userId: 'lead', email: 'Lead@Example.com' },
      members: [{ userId: 'ann', skills: ['Billing', 'billing'], capacity: 3 }],
    });
    expect(parsed).toMatchObject({ mode: 'round_robin', lead: { email: 'lead@example.com' } });
    expect(parsed.members[0]).toEqual({ userId: 'ann', skills: ['billing'], capacity: 3, active: true });
    const twice = createTeamBody.safeParse({
      name: 'x',
      lead: { userId: 'l', email: 'l@example.com' },
      members: [
        { userId: 'ann', capacity: 1 },
        { userId: 'ann', capacity: 2 },
      ],
    });
    expect(twice.success).toBe(false);
    expect(createTeamBody.safeParse({ name: 'x', lead: { userId: 'a#b', email: 'l@example.com' } }).success).toBe(false);
    expect(createTeamBody.safeParse({ name: 'x', lead: { userId: 'l', email: 'l@example.com' }, mode: 'random' }).success).toBe(false);
  });
});

describe('countViolations', () => {
  it('counts an assignment over capacity, a second assignment of an open ticket and a counter that drifted', () => {
    const clean = countViolations({
      capacity: { ann: 1 },
      steps: [
        { kind: 'assigned', ticketId: 't1', agentId: 'ann' },
        { kind: 'freed', ticketId: 't1' },
        { kind: 'assigned', ticketId: 't2', agentId: 'ann' },
      ],
      counters: { ann: 1 },
    });
    expect(clean).toEqual({ overCapacity: 0, assignedTwice: 0, counterDrift: 0, total: 0 });
    const bad = countViolations({
      capacity: { ann: 1, bob: 1 },
      steps: [
        { kind: 'assigned', ticketId: 't1', agentId: 'ann' },
        { kind: 'assigned', ticketId: 't2', agentId: 'ann' },
        { kind: 'assigned', ticketId: 't1', agentId: 'bob' },
      ],
      counters: { ann: 2, bob: 1 },
    });
    expect(bad).toEqual({ overCapacity: 1, assignedTwice: 1, counterDrift: 1, total: 3 });
  });
});

describe('routing subscriptions', () => {
  const busEvent = (type: string, data: Record<string, unknown>) => ({ source: 'rapport', 'detail-type': type, detail: { type, data } });
  const receives = (event: ReturnType<typeof busEvent>) =>
    subscriptions.filter((s) => s.context === 'routing' && matchesPattern(s.pattern, event)).map((s) => s.name);

  it('receives new tickets, assignments, status changes, reopenings and team changes, and a ticket update only when its team changed', () => {
    for (const type of ['ticket.created', 'ticket.assigned', 'ticket.status_changed', 'ticket.reopened', 'team.updated'])
      expect(receives(busEvent(type, {})), type).toEqual(['ticket-routing']);
    expect(receives(busEvent('ticket.updated', { changed: ['priority', 'teamId'] }))).toEqual(['ticket-team-change']);
    expect(receives(busEvent('ticket.updated', { changed: ['priority', 'tags'] }))).toEqual([]);
    expect(receives(busEvent('ticket.replied', {}))).toEqual([]);
  });
});

describe('stepsFromEvents', () => {
  it('reads assignments, resolutions and reopenings from ticket events', () => {
    const data = (fields: Record<string, unknown>) => ({ ticketId: 't1', status: 'open', ...fields });
    const steps = stepsFromEvents([
      { type: 'ticket.created', data: data({}) },
      { type: 'ticket.assigned', data: data({ assigneeId: 'ann' }) },
      { type: 'ticket.status_changed', data: data({ status: 'resolved', from: 'open', assigneeId: 'ann' }) },
      { type: 'ticket.status_changed', data: data({ status: 'closed', from: 'resolved', assigneeId: 'ann' }) },
      { type: 'ticket.reopened', data: data({ assigneeId: 'ann' }) },
      { type: 'ticket.assigned', data: data({ assigneeId: 'bob' }) },
    ]);
    expect(steps).toEqual([
      { kind: 'assigned', ticketId: 't1', agentId: 'ann' },
      { kind: 'freed', ticketId: 't1' },
      { kind: 'assigned', ticketId: 't1', agentId: 'ann' },
      { kind: 'assigned', ticketId: 't1', agentId: 'bob' },
    ]);
    // A reassignment by hand is a second assignment of an open ticket: countViolations counts it, so a bench reads routing's own events.
    expect(countViolations({ capacity: { ann: 1, bob: 1 }, steps }).assignedTwice).toBe(1);
  });
});
