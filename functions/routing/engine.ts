import { isTransactionCanceled } from '../../shared/db/errors.ts';
import { isWriteConflict } from '../../shared/db/transact.ts';
import { systemActor } from '../../shared/domain/actor.ts';
import { logger } from '../../shared/logger.ts';
import { clock } from '../../shared/ports/clock.ts';
import { retry } from '../../shared/retry.ts';
import type { Ticket, TicketsApi } from '../tickets/api.ts';
import type { CounterChange, RoutingConflict, RoutingRepository } from './repository.ts';
import { activeMember, activeMembers, candidateOrder, type RoutedTicket } from './rules.ts';
import type { Member, QueuedTicket, Team, TicketHold } from './schemas.ts';

/** What routing asks of tickets: a fresh read, and the assignment that refuses when the ticket is no longer unassigned. */
export type RoutingTickets = Pick<TicketsApi, 'get' | 'assign'>;

export type RouteOutcome = 'assigned' | 'queued' | 'unrouted' | 'skipped' | 'refused';

const actor = systemActor('routing');
const attempts = 10;
/** Queue entries one drain takes at most before it leaves the rest to the next release. */
const drainLimit = 100;

const isClosed = (t: Pick<Ticket, 'status'>) => t.status === 'resolved' || t.status === 'closed';

/** A lost race on a ticket's guard, or a transaction DynamoDB cancelled for a concurrent one: read again and decide again. */
const contended = (error: unknown) =>
  isWriteConflict<RoutingConflict>(error, 'HOLD') ||
  (isTransactionCanceled(error) && !!error.CancellationReasons?.some((r) => r.Code === 'TransactionConflict'));

type HoldFields = Pick<TicketHold, 'agentId' | 'state' | 'teamId' | 'queued'>;

/** The next version of a ticket's guard, holding only `fields`. */
const next = (ticketId: string, before: TicketHold | undefined, fields: HoldFields): TicketHold => ({
  ticketId,
  ...(fields.agentId && { agentId: fields.agentId, state: fields.state, teamId: fields.teamId }),
  ...(fields.queued && { queued: fields.queued }),
  version: (before?.version ?? 0) + 1,
  updatedAt: clock().now().toISOString(),
});

/**
 * Assignment: routes a ticket to a member of its team, keeps each agent's
 * open-ticket counter in step with the tickets they hold, and serves the team
 * queues when capacity frees. Every step reads the ticket and its guard fresh
 * and writes conditionally on the guard's version, so a redelivered or
 * reordered event, or two routers at once, change nothing twice.
 */
export const routingEngine = (repo: RoutingRepository, tickets: RoutingTickets) => {
  /** Records the ticket as `agentId`'s in the guard (confirming it); a guard that moved on meanwhile is left to whoever moved it. */
  const confirm = async (tenantId: string, ticketId: string, agentId: string) => {
    const hold = await repo.getHold(tenantId, ticketId);
    if (hold?.agentId !== agentId || hold.state === 'assigned') return;
    try {
      await repo.changeHold({ tenantId, before: hold, after: next(ticketId, hold, { ...hold, state: 'assigned' }), counters: [] });
    } catch (error) {
      if (!contended(error)) throw error;
    }
  };

  /** Gives back the ticket's count to `agentId` when the guard still holds it for them; true when it did. */
  const release = async (tenantId: string, ticketId: string, agentId: string): Promise<boolean> =>
    retry(
      async () => {
        const hold = await repo.getHold(tenantId, ticketId);
        if (hold?.agentId !== agentId) return false;
        await repo.changeHold({
          tenantId,
          before: hold,
          after: next(ticketId, hold, {}),
          counters: [{ userId: agentId, by: -1 }],
        });
        return true;
      },
      { attempts, retryOn: contended },
    );

  /** After a claim: the ticket takes the agent unless it is no longer unassigned; otherwise the count goes back. */
  const finish = async (tenantId: string, ticketId: string, agentId: string, teamId: string): Promise<RouteOutcome> => {
    const assigned = await tickets.assign({ tenantId, ticketId, teamId, assigneeId: agentId, expectedAssigneeId: null, actor });
    const now = assigned ?? (await tickets.get({ tenantId, ticketId }));
    if (now?.assigneeId === agentId && !isClosed(now)) {
      await confirm(tenantId, ticketId, agentId);
      return 'assigned';
    }
    if (await release(tenantId, ticketId, agentId)) await drainAgent(tenantId, agentId);
    return 'refused';
  };

  /**
   * The members to try, in order (rules.ts), without those whose counter, read
   * strongly consistent, is already at capacity: the conditional write stays
   * the guard, the read only spares writes bound to fail. A member freeing
   * room after the read finds the ticket in the queue, or the drain after
   * queueing reads the counters again and finds the room.
   */
  const candidates = async (tenantId: string, team: Team, ticket: RoutedTicket): Promise<Member[]> => {
    const members = activeMembers(team);
    if (!members.length) return [];
    const [turn, loads] = await Promise.all([
      repo.nextTurn(tenantId, team.id),
      repo.loads(
        tenantId,
        members.map((m) => m.userId),
      ),
    ]);
    return candidateOrder(team, ticket, turn, loads).filter((m) => (loads.get(m.userId) ?? 0) < m.capacity);
  };

  /**
   * Claims the ticket for one member: the guard at the version read and the
   * member's counter below capacity, in one transaction (leaving the queue it
   * waited in). 'full' when the counter refused, 'lost' when the guard moved on.
   */
  const claim = async (
    tenantId: string,
    ticketId: string,
    hold: TicketHold | undefined,
    team: Team,
    member: Member,
  ): Promise<'claimed' | 'full' | 'lost'> => {
    try {
      await repo.changeHold({
        tenantId,
        before: hold,
        after: next(ticketId, hold, { agentId: member.userId, state: 'claimed', teamId: team.id }),
        counters: [{ userId: member.userId, by: 1, capacity: member.capacity }],
        dequeue: hold?.queued,
      });
      return 'claimed';
    } catch (error) {
      if (isWriteConflict<RoutingConflict>(error) && error.reasons.includes('HOLD')) return 'lost';
      if (isWriteConflict<RoutingConflict>(error, 'CAPACITY')) return 'full';
      if (contended(error)) return 'lost';
      throw error;
    }
  };

  /** Routes an open, unassigned ticket of a team: one attempt on the guard as read; throws a HOLD conflict to be retried. */
  const routeOnce = async (tenantId: string, ticketId: string): Promise<RouteOutcome> => {
    const ticket = await tickets.get({ tenantId, ticketId });
    if (!ticket || isClosed(ticket) || ticket.assigneeId) return settleOnce(tenantId, ticketId, ticket);
    if (!ticket.teamId) return 'unrouted';
    let hold = await repo.getHold(tenantId, ticketId);
    // A claim not yet on the ticket (a router at work, or one that stopped before assigning): finish it, in the ticket's team as it is now.
    if (hold?.agentId && hold.state === 'claimed') return finish(tenantId, ticketId, hold.agentId, ticket.teamId);
    if (hold?.agentId) {
      // Counted as assigned (confirmed after the ticket took the agent), yet the ticket, read again, has no assignee: someone
      // unassigned it. The count goes back and the ticket is routed again.
      const reread = await tickets.get({ tenantId, ticketId });
      if (reread?.assigneeId || (reread && isClosed(reread))) throw conflictAgain();
      const freed = hold.agentId;
      await repo.changeHold({ tenantId, before: hold, after: next(ticketId, hold, {}), counters: [{ userId: freed, by: -1 }] });
      await drainAgent(tenantId, freed);
      hold = await repo.getHold(tenantId, ticketId);
      if (hold?.agentId) throw conflictAgain();
    }
    if (hold?.queued?.teamId === ticket.teamId) return 'queued';
    const team = await repo.getTeam(tenantId, ticket.teamId, true);
    if (!team) return 'unrouted';
    for (const member of await candidates(tenantId, team, ticket)) {
      const claimed = await claim(tenantId, ticketId, hold, team, member);
      if (claimed === 'claimed') return finish(tenantId, ticketId, member.userId, team.id);
      if (claimed === 'lost') throw conflictAgain();
    }
    const entry: QueuedTicket = {
      ticketId,
      teamId: team.id,
      createdAt: ticket.createdAt,
      queuedAt: clock().now().toISOString(),
      ...(ticket.category && { category: ticket.category }),
      tags: ticket.tags,
    };
    await repo.changeHold({
      tenantId,
      before: hold,
      after: next(ticketId, hold, { queued: { teamId: team.id, createdAt: ticket.createdAt } }),
      counters: [],
      enqueue: entry,
      dequeue: hold?.queued,
    });
    // A member who freed capacity while this ticket was being queued found the queue without it: serve the queue once more.
    await drainTeam(tenantId, team.id);
    return 'queued';
  };

  /**
   * Brings the guard in line with the ticket as it is now: counted against its
   * assignee while open (a human's choice, so without capacity check), against
   * no one once resolved or closed, and out of any queue once assigned or
   * closed. An open ticket without assignee is routed instead.
   */
  const settleOnce = async (tenantId: string, ticketId: string, known?: Ticket): Promise<RouteOutcome> => {
    const ticket = known ?? (await tickets.get({ tenantId, ticketId }));
    if (ticket && !isClosed(ticket) && !ticket.assigneeId) return routeOnce(tenantId, ticketId);
    const hold = await repo.getHold(tenantId, ticketId);
    const desired = ticket && !isClosed(ticket) ? ticket.assigneeId : undefined;
    const current = hold?.agentId;
    if (!hold) {
      if (!desired) return 'skipped';
    } else if (current === desired && (!desired || hold.state === 'assigned') && !hold.queued) return 'skipped';
    const counters: CounterChange[] = [];
    if (current && current !== desired) counters.push({ userId: current, by: -1 });
    if (desired && desired !== current) counters.push({ userId: desired, by: 1 });
    await repo.changeHold({
      tenantId,
      before: hold,
      after: next(ticketId, hold, desired ? { agentId: desired, state: 'assigned', teamId: ticket?.teamId } : {}),
      counters,
      dequeue: hold?.queued,
    });
    if (current && current !== desired) await drainAgent(tenantId, current);
    return 'skipped';
  };

  const conflictAgain = () => Object.assign(new Error('routing: the ticket guard moved on'), { again: true });
  const again = (error: unknown) => contended(error) || (error instanceof Error && 'again' in error);

  /**
   * The guard of a queued ticket when the entry still stands for it and the
   * ticket still waits (open, unassigned, in this team); otherwise the entry is
   * dropped (or the ticket settled) and undefined returned.
   */
  const stillQueued = async (tenantId: string, team: Team, entry: QueuedTicket): Promise<TicketHold | undefined> => {
    const hold = await repo.getHold(tenantId, entry.ticketId);
    if (hold?.agentId || hold?.queued?.teamId !== team.id || hold.queued.createdAt !== entry.createdAt) {
      await repo.removeQueued(tenantId, entry, hold);
      return undefined;
    }
    const ticket = await tickets.get({ tenantId, ticketId: entry.ticketId });
    if (!ticket || isClosed(ticket) || ticket.assigneeId || ticket.teamId !== team.id) {
      await retry(() => settleOnce(tenantId, entry.ticketId), { attempts, retryOn: again });
      return undefined;
    }
    return hold;
  };

  /** Capacity freed for an agent: the oldest queued tickets of the agent's teams go to them while they have room. */
  const drainAgent = async (tenantId: string, agentId: string) => {
    const teams = (await repo.getTeams(tenantId, await repo.teamIdsOf(tenantId, agentId))).filter((t) => activeMember(t, agentId));
    for (let taken = 0; taken < drainLimit && teams.length; taken++) {
      const heads = await Promise.all(teams.map(async (team) => ({ team, entry: (await repo.oldestQueued(tenantId, team.id, 1))[0] })));
      const waiting = heads.filter((h): h is { team: Team; entry: QueuedTicket } => !!h.entry);
      if (!waiting.length) return;
      const { team, entry } = waiting.reduce((a, b) => (b.entry.createdAt < a.entry.createdAt ? b : a));
      const hold = await stillQueued(tenantId, team, entry);
      if (!hold) continue;
      const claimed = await claim(tenantId, entry.ticketId, hold, team, activeMember(team, agentId)!);
      if (claimed === 'full') teams.splice(teams.indexOf(team), 1);
      if (claimed === 'claimed') await finish(tenantId, entry.ticketId, agentId, team.id);
    }
  };

  /** A team's queue, oldest first, to whichever members have room (after a change of the team, or after queueing). */
  const drainTeam = async (tenantId: string, teamId: string) => {
    for (let taken = 0; taken < drainLimit; taken++) {
      const [entry] = await repo.oldestQueued(tenantId, teamId, 1);
      if (!entry) return;
      const team = await repo.getTeam(tenantId, teamId, true);
      if (!team) return;
      const hold = await stillQueued(tenantId, team, entry);
      if (!hold) continue;
      let outcome: 'claimed' | 'full' | 'lost' = 'full';
      for (const member of await candidates(tenantId, team, entry)) {
        outcome = await claim(tenantId, entry.ticketId, hold, team, member);
        if (outcome === 'claimed') await finish(tenantId, entry.ticketId, member.userId, team.id);
        if (outcome !== 'full') break;
      }
      if (outcome === 'full') return;
    }
  };

  const run = async (what: string, tenantId: string, ticketId: string, step: () => Promise<RouteOutcome>) => {
    try {
      return await retry(step, { attempts, retryOn: again });
    } catch (error) {
      logger.warn('routing step failed', { what, tenantId, ticketId, error: error as Error });
      throw error;
    }
  };

  return {
    /** ticket.created, ticket.updated of its team: assign it (or queue it) unless it is assigned or closed. */
    route: (tenantId: string, ticketId: string) => run('route', tenantId, ticketId, () => routeOnce(tenantId, ticketId)),
    /** ticket.assigned, ticket.status_changed, ticket.reopened: counters follow the ticket; freed capacity serves the queues. */
    settle: (tenantId: string, ticketId: string) => run('settle', tenantId, ticketId, () => settleOnce(tenantId, ticketId)),
    drainAgent,
    drainTeam,
  };
};
export type RoutingEngine = ReturnType<typeof routingEngine>;
