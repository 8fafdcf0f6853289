import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { routingEngine } from '../../functions/routing/engine.ts';
import { routingRepository } from '../../functions/routing/repository.ts';
import type { Team } from '../../functions/routing/schemas.ts';
import { countViolations } from '../../functions/routing/violations.ts';
import { newId } from '../../shared/ports/ids.ts';
import { fakeRoutingTickets } from '../support/fakes/routing.ts';

const agents = ['ann', 'bob', 'cy'];
const capacity = 5;

/** A team of three agents of capacity 5 in a tenant of its own, the real repository on DynamoDB Local, tickets in memory. */
const setUp = async (mode: Team['mode']) => {
  const tenantId = `routing-${randomUUID().slice(0, 8)}`;
  const now = new Date().toISOString();
  const team: Team = {
    id: newId(),
    version: 1,
    name: 'Support',
    lead: { userId: 'lead', email: 'lead@example.com' },
    mode,
    members: agents.map((userId) => ({ userId, skills: [], capacity, active: true })),
    createdAt: now,
    updatedAt: now,
  };
  await routingRepository.createTeam(tenantId, team, []);
  const tickets = fakeRoutingTickets();
  const engine = routingEngine(routingRepository, tickets.port);
  const counters = async () => Object.fromEntries(await routingRepository.loads(tenantId, agents));
  /** Capacity and double-assignment violations of everything routing did so far, with the stored counters: must be 0. */
  const violations = async () =>
    countViolations({ capacity: Object.fromEntries(agents.map((a) => [a, capacity])), steps: tickets.steps, counters: await counters() });
  const queued = async () => (await routingRepository.queuePage(tenantId, team.id, { limit: 100 })).items.map((q) => q.ticketId);
  return { tenantId, team, tickets, engine, counters, violations, queued };
};

describe('routing on DynamoDB Local', () => {
  for (const mode of ['round_robin', 'load_balanced'] as const) {
    it(`${mode}: 40 concurrent assignments for 3 agents of capacity 5 stay within capacity, assign each ticket once, queue the rest and drain on resolve`, async () => {
      const { tenantId, team, tickets, engine, counters, violations, queued } = await setUp(mode);
      const made = Array.from({ length: 40 }, () => tickets.open(tenantId, { id: newId(), teamId: team.id }));
      // Every ticket.created is delivered twice at once, as a redelivery racing the first delivery would.
      await Promise.all(made.flatMap((t) => [engine.route(tenantId, t.id), engine.route(tenantId, t.id)]));

      expect(await violations()).toEqual({ overCapacity: 0, assignedTwice: 0, counterDrift: 0, total: 0 });
      expect(await counters()).toEqual({ ann: 5, bob: 5, cy: 5 });
      expect(tickets.assignCalls.filter((c) => c.accepted)).toHaveLength(15);
      const assigned = made.filter((t) => tickets.get(tenantId, t.id)?.assigneeId);
      expect(assigned).toHaveLength(15);
      const waiting = made.filter((t) => !assigned.includes(t));
      // The queue holds the other 25, oldest first.
      expect(await queued()).toEqual(waiting.map((t) => t.id));

      // One ticket of each agent resolves at once: each agent takes the oldest queued ticket.
      const resolved = agents.map((a) => assigned.find((t) => tickets.get(tenantId, t.id)?.assigneeId === a)!);
      await Promise.all(
        resolved.map((t) => {
          tickets.setStatus(tenantId, t.id, 'resolved');
          return engine.settle(tenantId, t.id);
        }),
      );
      expect(waiting.slice(0, 3).every((t) => tickets.get(tenantId, t.id)?.assigneeId)).toBe(true);
      expect(waiting.slice(3).some((t) => tickets.get(tenantId, t.id)?.assigneeId)).toBe(false);
      expect(await queued()).toEqual(waiting.slice(3).map((t) => t.id));
      expect(await counters()).toEqual({ ann: 5, bob: 5, cy: 5 });
      expect((await violations()).total).toBe(0);

      // Redelivered resolutions change nothing.
      await Promise.all(resolved.map((t) => engine.settle(tenantId, t.id)));
      expect(await counters()).toEqual({ ann: 5, bob: 5, cy: 5 });
      expect(await queued()).toHaveLength(22);
      expect((await violations()).total).toBe(0);
    });
  }
});
