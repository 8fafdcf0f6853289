import type { RoutingTickets } from '../../../functions/routing/engine.ts';
import type { HoldChange, Page, PageRequest, RoutingConflict, RoutingRepository } from '../../../functions/routing/repository.ts';
import type { QueuedTicket, Team, TicketHold } from '../../../functions/routing/schemas.ts';
import type { AssignmentStep } from '../../../functions/routing/violations.ts';
import type { Ticket } from '../../../functions/tickets/api.ts';
import { WriteConflict } from '../../../shared/db/transact.ts';
import type { DomainEvent } from '../../../shared/events/catalog.ts';

const copy = <T>(value: T): T => (value === undefined ? value : structuredClone(value));
const tick = () => new Promise((resolve) => setImmediate(resolve));

const pageOf = <T>(all: T[], { limit, cursor }: PageRequest): Page<T> => {
  const start = cursor ? Number(cursor) : 0;
  const items = all.slice(start, start + limit).map(copy);
  return { items, nextCursor: start + limit < all.length ? String(start + limit) : undefined };
};

/**
 * The routing repository in memory with the conditions of the real one: team
 * versions, each hold change atomic with its counters (a capped increment fails
 * with CAPACITY) and queue entries, at the guard's version (HOLD). Each await
 * yields, so concurrent routers interleave.
 */
export const fakeRoutingRepository = () => {
  const teams = new Map<string, Team>();
  const turns = new Map<string, number>();
  const memberships = new Map<string, Set<string>>();
  const loads = new Map<string, number>();
  const holds = new Map<string, TicketHold>();
  const queues = new Map<string, Map<string, QueuedTicket>>();
  const events: DomainEvent[] = [];
  const k = (...parts: string[]) => parts.join('|');
  const fail = (...reasons: RoutingConflict[]) => {
    throw new WriteConflict<RoutingConflict>(reasons[0]!, reasons);
  };
  const queueOf = (tenantId: string, teamId: string) => {
    const key = k(tenantId, teamId);
    if (!queues.has(key)) queues.set(key, new Map());
    return queues.get(key)!;
  };
  const sortedQueue = (tenantId: string, teamId: string) =>
    [...queueOf(tenantId, teamId).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, q]) => q);
  const setMembers = (tenantId: string, team: Team, ids: string[], add: boolean) => {
    for (const u of ids) {
      const key = k(tenantId, u);
      const set = memberships.get(key) ?? new Set<string>();
      if (add) set.add(team.id);
      else set.delete(team.id);
      memberships.set(key, set);
    }
  };
  let requests = 0;
  /** A read: yields first, then answers from the maps as they are then. */
  const read = async <T>(answer: () => T): Promise<T> => {
    await tick();
    requests++;
    return answer();
  };

  const repo: RoutingRepository = {
    getTeam: (tenantId, id) => read(() => copy(teams.get(k(tenantId, id)))),
    getTeams: (tenantId, ids) => read(() => ids.flatMap((id) => (teams.has(k(tenantId, id)) ? [copy(teams.get(k(tenantId, id))!)] : []))),
    listTeams: async (tenantId, page) =>
      pageOf(
        [...teams.entries()]
          .filter(([key]) => key.startsWith(`${tenantId}|`))
          .map(([, t]) => t)
          .sort((a, b) => a.id.localeCompare(b.id)),
        page,
      ),
    async createTeam(tenantId, team, written) {
      await tick();
      if (teams.has(k(tenantId, team.id))) fail('EXISTS');
      teams.set(k(tenantId, team.id), copy(team));
      setMembers(
        tenantId,
        team,
        team.members.map((m) => m.userId),
        true,
      );
      events.push(...written);
    },
    async updateTeam(tenantId, before, after, written) {
      await tick();
      if (teams.get(k(tenantId, before.id))?.version !== before.version) fail('VERSION');
      setMembers(
        tenantId,
        before,
        before.members.map((m) => m.userId),
        false,
      );
      setMembers(
        tenantId,
        after,
        after.members.map((m) => m.userId),
        true,
      );
      teams.set(k(tenantId, after.id), copy(after));
      events.push(...written);
    },
    async deleteTeam(tenantId, team, written) {
      await tick();
      if (teams.get(k(tenantId, team.id))?.version !== team.version) fail('VERSION');
      teams.delete(k(tenantId, team.id));
      setMembers(
        tenantId,
        team,
        team.members.map((m) => m.userId),
        false,
      );
      events.push(...written);
    },
    teamIdsOf: (tenantId, userId) => read(() => [...(memberships.get(k(tenantId, userId)) ?? [])]),
    async nextTurn(tenantId, teamId) {
      await tick();
      requests++;
      const turn = (turns.get(k(tenantId, teamId)) ?? 0) + 1;
      turns.set(k(tenantId, teamId), turn);
      return turn;
    },
    loads: (tenantId, userIds) => read(() => new Map(userIds.map((u) => [u, loads.get(k(tenantId, u)) ?? 0]))),
    getHold: (tenantId, ticketId) => read(() => copy(holds.get(k(tenantId, ticketId)))),
    async changeHold({ tenantId, before, after, counters, enqueue, dequeue }: HoldChange) {
      await tick();
      requests++;
      const stored = holds.get(k(tenantId, after.ticketId));
      const reasons: RoutingConflict[] = [];
      if (before ? stored?.version !== before.version : stored) reasons.push('HOLD');
      for (const c of counters)
        if (c.capacity !== undefined && (loads.get(k(tenantId, c.userId)) ?? 0) >= c.capacity) reasons.push('CAPACITY');
      if (reasons.length) fail(...reasons);
      holds.set(k(tenantId, after.ticketId), copy(after));
      for (const c of counters) loads.set(k(tenantId, c.userId), (loads.get(k(tenantId, c.userId)) ?? 0) + c.by);
      if (dequeue) queueOf(tenantId, dequeue.teamId).delete(`${dequeue.createdAt}#${after.ticketId}`);
      if (enqueue) queueOf(tenantId, enqueue.teamId).set(`${enqueue.createdAt}#${enqueue.ticketId}`, copy(enqueue));
    },
    oldestQueued: (tenantId, teamId, limit) => read(() => sortedQueue(tenantId, teamId).slice(0, limit).map(copy)),
    queuePage: async (tenantId, teamId, page) => pageOf(sortedQueue(tenantId, teamId), page),
    async removeQueued(tenantId, entry, hold) {
      await tick();
      const stored = holds.get(k(tenantId, entry.ticketId));
      if (hold ? stored?.version !== hold.version : stored) return;
      queueOf(tenantId, entry.teamId).delete(`${entry.createdAt}#${entry.ticketId}`);
    },
  };
  return {
    repo,
    events,
    load: (tenantId: string, userId: string) => loads.get(k(tenantId, userId)) ?? 0,
    hold: (tenantId: string, ticketId: string) => copy(holds.get(k(tenantId, ticketId))),
    queued: (tenantId: string, teamId: string) => sortedQueue(tenantId, teamId).map((q) => q.ticketId),
    team: (tenantId: string, id: string) => copy(teams.get(k(tenantId, id))),
    /** Repository calls made by routing's assignment work (not by the team routes). */
    requests: () => requests,
  };
};
export type FakeRouting = ReturnType<typeof fakeRoutingRepository>;

/**
 * Tickets as routing sees them (get, assign with expectedAssigneeId), plus what
 * the tickets context does that routing reacts to. Every assignment it accepts
 * goes into `steps`, every resolution too, for countViolations.
 */
export const fakeRoutingTickets = () => {
  const tickets = new Map<string, Ticket>();
  const steps: AssignmentStep[] = [];
  const assignCalls: { ticketId: string; assigneeId?: string; accepted: boolean }[] = [];
  const k = (tenantId: string, id: string) => `${tenantId}|${id}`;
  let sequence = 0;

  const port: RoutingTickets = {
    async get({ tenantId, ticketId }) {
      await tick();
      return copy(tickets.get(k(tenantId, ticketId)));
    },
    async assign({ tenantId, ticketId, teamId, assigneeId, expectedAssigneeId }) {
      await tick();
      const ticket = tickets.get(k(tenantId, ticketId));
      if (!ticket) return undefined;
      if (expectedAssigneeId !== undefined && (ticket.assigneeId ?? null) !== expectedAssigneeId) {
        assignCalls.push({ ticketId, assigneeId, accepted: false });
        return undefined;
      }
      if (teamId !== undefined) ticket.teamId = teamId;
      ticket.assigneeId = assigneeId;
      ticket.version++;
      assignCalls.push({ ticketId, assigneeId, accepted: true });
      if (assigneeId && !['resolved', 'closed'].includes(ticket.status)) steps.push({ kind: 'assigned', ticketId, agentId: assigneeId });
      return copy(ticket);
    },
  };

  const open = (tenantId: string, fields: Partial<Ticket> & { id: string }): Ticket => {
    sequence++;
    const createdAt = fields.createdAt ?? new Date(Date.UTC(2026, 5, 1, 9, 0, sequence)).toISOString();
    const ticket: Ticket = {
      reference: `T-${1000 + sequence}`,
      contactId: 'contact-1',
      subject: 'Help',
      channel: 'api',
      status: 'new',
      priority: 'normal',
      tags: [],
      createdAt,
      updatedAt: createdAt,
      version: 1,
      ...fields,
    };
    tickets.set(k(tenantId, ticket.id), ticket);
    return copy(ticket);
  };

  return {
    port,
    steps,
    assignCalls,
    open,
    get: (tenantId: string, id: string) => copy(tickets.get(k(tenantId, id))),
    all: (tenantId: string) => [...tickets.entries()].filter(([key]) => key.startsWith(`${tenantId}|`)).map(([, t]) => copy(t)),
    /** The ticket moves to a status (an agent resolves it, a customer reply reopens it). */
    setStatus(tenantId: string, id: string, status: Ticket['status']) {
      const ticket = tickets.get(k(tenantId, id))!;
      const wasOpen = !['resolved', 'closed'].includes(ticket.status);
      ticket.status = status;
      ticket.version++;
      const isOpen = !['resolved', 'closed'].includes(status);
      if (wasOpen && !isOpen) steps.push({ kind: 'freed', ticketId: id });
      if (!wasOpen && isOpen && ticket.assigneeId) steps.push({ kind: 'assigned', ticketId: id, agentId: ticket.assigneeId });
    },
    /** A human sets the assignee (or clears it), as PATCH /tickets would. */
    setAssignee(tenantId: string, id: string, assigneeId: string | undefined) {
      const ticket = tickets.get(k(tenantId, id))!;
      ticket.assigneeId = assigneeId;
      ticket.version++;
    },
    setTeam(tenantId: string, id: string, teamId: string | undefined) {
      const ticket = tickets.get(k(tenantId, id))!;
      ticket.teamId = teamId;
      ticket.version++;
    },
  };
};
export type FakeRoutingTickets = ReturnType<typeof fakeRoutingTickets>;
