import { beforeEach, describe, expect, it } from 'vitest';
import { type RoutingEngine, routingEngine } from '../../functions/routing/engine.ts';
import type { Team } from '../../functions/routing/schemas.ts';
import { countViolations } from '../../functions/routing/violations.ts';
import { newId } from '../../shared/ports/ids.ts';
import { type FakeRouting, type FakeRoutingTickets, fakeRoutingRepository, fakeRoutingTickets } from '../support/fakes/routing.ts';

const tenantId = 'acme';
let fake: FakeRouting;
let tickets: FakeRoutingTickets;
let engine: RoutingEngine;

beforeEach(() => {
  fake = fakeRoutingRepository();
  tickets = fakeRoutingTickets();
  engine = routingEngine(fake.repo, tickets.port);
});

const member = (userId: string, capacity = 5, skills: string[] = [], active = true) => ({ userId, capacity, skills, active });

const makeTeam = async (members: Team['members'], mode: Team['mode'] = 'round_robin'): Promise<Team> => {
  const now = '2026-06-01T00:00:00.000Z';
  const team: Team = {
    id: newId(),
    version: 1,
    name: 'Support',
    lead: { userId: 'lead', email: 'lead@example.com' },
    mode,
    members,
    createdAt: now,
    updatedAt: now,
  };
  await fake.repo.createTeam(tenantId, team, []);
  return team;
};

const openTicket = (teamId: string | undefined, fields: { category?: string; tags?: string[] } = {}) =>
  tickets.open(tenantId, { id: newId(), teamId, tags: fields.tags ?? [], category: fields.category });

const assigneeOf = (id: string) => tickets.get(tenantId, id)?.assigneeId;
const capacities = (team: Team) => Object.fromEntries(team.members.map((m) => [m.userId, m.capacity]));
const counters = (team: Team) => Object.fromEntries(team.members.map((m) => [m.userId, fake.load(tenantId, m.userId)]));
const violations = (team: Team) => countViolations({ capacity: capacities(team), steps: tickets.steps, counters: counters(team) });

/** What the subscriber does when the tickets context reports a resolution. */
const resolve = async (id: string) => {
  tickets.setStatus(tenantId, id, 'resolved');
  await engine.settle(tenantId, id);
};

describe('assignment', () => {
  it('assigns a new ticket of a team to a member and counts it against them', async () => {
    const team = await makeTeam([member('ann'), member('bob')]);
    const t = openTicket(team.id);
    expect(await engine.route(tenantId, t.id)).toBe('assigned');
    expect(assigneeOf(t.id)).toBe('ann');
    expect(tickets.get(tenantId, t.id)?.teamId).toBe(team.id);
    expect(fake.load(tenantId, 'ann')).toBe(1);
    expect(fake.hold(tenantId, t.id)).toMatchObject({ agentId: 'ann', state: 'assigned', teamId: team.id });
  });

  it('leaves a ticket without a team unassigned', async () => {
    const t = openTicket(undefined);
    expect(await engine.route(tenantId, t.id)).toBe('unrouted');
    expect(assigneeOf(t.id)).toBeUndefined();
    expect(fake.hold(tenantId, t.id)).toBeUndefined();
  });

  it('round robin deals one ticket to each member in turn, also when the tickets come at once', async () => {
    const team = await makeTeam([member('ann', 10), member('bob', 10), member('cy', 10)]);
    const made = Array.from({ length: 9 }, () => openTicket(team.id));
    await Promise.all(made.map((t) => engine.route(tenantId, t.id)));
    expect(['ann', 'bob', 'cy'].map((a) => fake.load(tenantId, a))).toEqual([3, 3, 3]);
    expect(violations(team).total).toBe(0);
  });

  it('prefers the members with the skills the ticket names, and falls back to the rest when they are full', async () => {
    const team = await makeTeam([member('ann', 2), member('bob', 2, ['billing']), member('cy', 2)]);
    const billing = Array.from({ length: 3 }, () => openTicket(team.id, { category: 'billing' }));
    for (const t of billing) await engine.route(tenantId, t.id);
    expect(billing.slice(0, 2).map((t) => assigneeOf(t.id))).toEqual(['bob', 'bob']);
    expect(['ann', 'cy']).toContain(assigneeOf(billing[2]!.id));
  });

  it('load balanced gives the ticket to the member with the fewest open tickets', async () => {
    const team = await makeTeam([member('ann'), member('bob'), member('cy')], 'load_balanced');
    // ann and bob already hold tickets given to them by hand.
    for (const agent of ['ann', 'ann', 'bob']) {
      const t = openTicket(team.id);
      tickets.setAssignee(tenantId, t.id, agent);
      await engine.settle(tenantId, t.id);
    }
    expect(['ann', 'bob', 'cy'].map((a) => fake.load(tenantId, a))).toEqual([2, 1, 0]);
    const next = openTicket(team.id);
    await engine.route(tenantId, next.id);
    expect(assigneeOf(next.id)).toBe('cy');
    const after = openTicket(team.id);
    await engine.route(tenantId, after.id);
    expect(['bob', 'cy']).toContain(assigneeOf(after.id));
    const third = openTicket(team.id);
    await engine.route(tenantId, third.id);
    expect(['ann', 'bob', 'cy'].map((a) => fake.load(tenantId, a))).toEqual([2, 2, 2]);
  });

  it('queues tickets oldest first when every member is at capacity, and serves the queue when one resolves', async () => {
    const team = await makeTeam([member('ann', 1), member('bob', 1)]);
    const made = Array.from({ length: 5 }, () => openTicket(team.id));
    for (const t of made) await engine.route(tenantId, t.id);
    expect(made.slice(0, 2).map((t) => assigneeOf(t.id))).toEqual(['ann', 'bob']);
    expect(fake.queued(tenantId, team.id)).toEqual(made.slice(2).map((t) => t.id));
    expect(fake.hold(tenantId, made[2]!.id)).toMatchObject({ queued: { teamId: team.id } });

    await resolve(made[1]!.id);
    expect(assigneeOf(made[2]!.id)).toBe('bob');
    expect(fake.queued(tenantId, team.id)).toEqual(made.slice(3).map((t) => t.id));
    expect(fake.load(tenantId, 'bob')).toBe(1);
    await resolve(made[0]!.id);
    expect(assigneeOf(made[3]!.id)).toBe('ann');
    expect(violations(team).total).toBe(0);
  });

  it('serves the queue when the team gains room (a member added)', async () => {
    const team = await makeTeam([member('ann', 1)]);
    const [a, b] = [openTicket(team.id), openTicket(team.id)];
    await engine.route(tenantId, a.id);
    expect(await engine.route(tenantId, b.id)).toBe('queued');
    await fake.repo.updateTeam(tenantId, team, { ...team, version: 2, members: [...team.members, member('bob', 1)] }, []);
    await engine.drainTeam(tenantId, team.id);
    expect(assigneeOf(b.id)).toBe('bob');
    expect(fake.queued(tenantId, team.id)).toEqual([]);
  });

  it('never exceeds capacity nor assigns a ticket twice under 40 concurrent routings with redeliveries', async () => {
    const team = await makeTeam([member('ann'), member('bob'), member('cy')]);
    const made = Array.from({ length: 40 }, () => openTicket(team.id));
    // Each ticket's event is delivered twice, both at once.
    await Promise.all(made.flatMap((t) => [engine.route(tenantId, t.id), engine.route(tenantId, t.id)]));
    expect(['ann', 'bob', 'cy'].map((a) => fake.load(tenantId, a))).toEqual([5, 5, 5]);
    expect(tickets.all(tenantId).filter((t) => t.assigneeId)).toHaveLength(15);
    expect(tickets.assignCalls.filter((c) => c.accepted)).toHaveLength(15);
    expect(fake.queued(tenantId, team.id)).toHaveLength(25);
    expect(violations(team).total).toBe(0);

    const assigned = made.filter((t) => assigneeOf(t.id));
    await Promise.all(assigned.slice(0, 6).map((t) => resolve(t.id)));
    expect(tickets.all(tenantId).filter((t) => t.assigneeId && t.status !== 'resolved')).toHaveLength(15);
    expect(fake.queued(tenantId, team.id)).toHaveLength(19);
    // The queue is served oldest first: the queued tickets that got an agent are the six oldest of them.
    const queuedAtFirst = made.filter((t) => !assigned.includes(t));
    expect(queuedAtFirst.slice(0, 6).every((t) => assigneeOf(t.id))).toBe(true);
    expect(queuedAtFirst.slice(6).every((t) => !assigneeOf(t.id))).toBe(true);
    expect(violations(team).total).toBe(0);
  });

  it('a redelivered ticket.created changes nothing', async () => {
    const team = await makeTeam([member('ann'), member('bob')]);
    const t = openTicket(team.id);
    await engine.route(tenantId, t.id);
    await engine.route(tenantId, t.id);
    expect(fake.load(tenantId, 'ann') + fake.load(tenantId, 'bob')).toBe(1);
    expect(tickets.assignCalls).toHaveLength(1);
  });

  it('gives the count back when the ticket got an assignee meanwhile, and counts that assignee instead', async () => {
    const team = await makeTeam([member('ann', 1), member('bob', 1)]);
    const t = openTicket(team.id);
    // A human assigns the ticket to bob between routing's claim and its assign.
    const assign = tickets.port.assign;
    tickets.port.assign = async (input) => {
      tickets.setAssignee(tenantId, t.id, 'bob');
      return assign(input);
    };
    expect(await engine.route(tenantId, t.id)).toBe('refused');
    tickets.port.assign = assign;
    expect(assigneeOf(t.id)).toBe('bob');
    expect(fake.load(tenantId, 'ann')).toBe(0);
    await engine.settle(tenantId, t.id); // ticket.assigned from the human's change
    expect(fake.load(tenantId, 'bob')).toBe(1);
    expect(fake.hold(tenantId, t.id)).toMatchObject({ agentId: 'bob', state: 'assigned' });
  });

  it('a manual reassignment moves the count without capacity check and frees the old agent for the queue', async () => {
    const team = await makeTeam([member('ann', 1), member('bob', 1)]);
    const [a, b, c] = [openTicket(team.id), openTicket(team.id), openTicket(team.id)];
    for (const t of [a, b, c]) await engine.route(tenantId, t.id);
    expect(fake.queued(tenantId, team.id)).toEqual([c.id]);
    tickets.setAssignee(tenantId, a.id, 'bob'); // ann → bob, by a human: bob goes over capacity, as decided
    await engine.settle(tenantId, a.id);
    await engine.settle(tenantId, a.id); // redelivered
    expect(fake.load(tenantId, 'bob')).toBe(2);
    // ann's freed place went to the queued ticket.
    expect(assigneeOf(c.id)).toBe('ann');
    expect(fake.load(tenantId, 'ann')).toBe(1);
    expect(fake.queued(tenantId, team.id)).toEqual([]);
  });

  it('counts a reopened ticket again, once, and a late resolution of it does not free it', async () => {
    const team = await makeTeam([member('ann')]);
    const t = openTicket(team.id);
    await engine.route(tenantId, t.id);
    await resolve(t.id);
    expect(fake.load(tenantId, 'ann')).toBe(0);
    tickets.setStatus(tenantId, t.id, 'open');
    await engine.settle(tenantId, t.id); // ticket.reopened
    await engine.settle(tenantId, t.id); // ticket.status_changed of the same change
    await engine.settle(tenantId, t.id); // the first ticket.status_changed (resolved), redelivered late
    expect(fake.load(tenantId, 'ann')).toBe(1);
    await resolve(t.id);
    await engine.settle(tenantId, t.id);
    expect(fake.load(tenantId, 'ann')).toBe(0);
  });

  it('takes a ticket out of the queue when it is resolved or assigned by hand while it waits', async () => {
    const team = await makeTeam([member('ann', 1)]);
    const [a, b, c] = [openTicket(team.id), openTicket(team.id), openTicket(team.id)];
    for (const t of [a, b, c]) await engine.route(tenantId, t.id);
    expect(fake.queued(tenantId, team.id)).toEqual([b.id, c.id]);
    await resolve(b.id);
    tickets.setAssignee(tenantId, c.id, 'zed');
    await engine.settle(tenantId, c.id);
    expect(fake.queued(tenantId, team.id)).toEqual([]);
    expect(fake.load(tenantId, 'zed')).toBe(1);
    expect(fake.load(tenantId, 'ann')).toBe(1);
  });

  it('routes a queued ticket again in its new team when its team changes', async () => {
    const first = await makeTeam([member('ann', 1)]);
    const second = await makeTeam([member('bob', 1)]);
    const [a, b] = [openTicket(first.id), openTicket(first.id)];
    await engine.route(tenantId, a.id);
    await engine.route(tenantId, b.id);
    expect(fake.queued(tenantId, first.id)).toEqual([b.id]);
    tickets.setTeam(tenantId, b.id, second.id);
    expect(await engine.route(tenantId, b.id)).toBe('assigned');
    expect(assigneeOf(b.id)).toBe('bob');
    expect(fake.queued(tenantId, first.id)).toEqual([]);
  });

  it('an unassigned ticket gives its count back and is routed again', async () => {
    const team = await makeTeam([member('ann', 1), member('bob', 1)]);
    const t = openTicket(team.id);
    await engine.route(tenantId, t.id);
    expect(assigneeOf(t.id)).toBe('ann');
    tickets.setAssignee(tenantId, t.id, undefined);
    await engine.settle(tenantId, t.id);
    expect(assigneeOf(t.id)).toBeDefined();
    expect(fake.load(tenantId, 'ann') + fake.load(tenantId, 'bob')).toBe(1);
    expect(fake.load(tenantId, assigneeOf(t.id)!)).toBe(1);
  });

  it('finishes an assignment a crashed delivery claimed but did not make', async () => {
    const team = await makeTeam([member('ann', 1)]);
    const t = openTicket(team.id);
    const assign = tickets.port.assign;
    tickets.port.assign = async () => {
      throw new Error('timeout');
    };
    await expect(engine.route(tenantId, t.id)).rejects.toThrow('timeout');
    tickets.port.assign = assign;
    expect(fake.hold(tenantId, t.id)).toMatchObject({ agentId: 'ann', state: 'claimed' });
    expect(await engine.route(tenantId, t.id)).toBe('assigned'); // the redelivery
    expect(assigneeOf(t.id)).toBe('ann');
    expect(fake.load(tenantId, 'ann')).toBe(1);
  });
});
