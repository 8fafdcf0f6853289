import { tenantKey } from '../../shared/db/tenant.ts';
import type { QueuedTicket, Team, TicketHold } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const routingEntities = {
  team: 'TEAM',
  turn: 'TEAM_TURN',
  membership: 'TEAM_MEMBERSHIP',
  queued: 'TEAM_QUEUE_ENTRY',
  load: 'AGENT_LOAD',
  hold: 'TICKET_HOLD',
} as const;

export const routingKeys = {
  /** A team with its members: GetItem by id. */
  team: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#TEAM#${id}`, SK: 'TEAM' }),
  /** GSI1: a tenant's teams, oldest first. */
  teamList: (tenantId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#TEAM`, GSI1SK: id }),
  teamListPartition: (tenantId: string) => `${tenantKey(tenantId)}#TEAM`,
  /** A team's round-robin cursor (`turns`, ADD 1 per routing, the new value returned), beside the team. */
  turn: (tenantId: string, teamId: string) => ({ PK: `${tenantKey(tenantId)}#TEAM#${teamId}`, SK: 'TURN' }),
  /** A team's queue: one item per waiting ticket, sorted by the ticket's creation time; a consistent Query reads the oldest. */
  queued: (tenantId: string, teamId: string, createdAt: string, ticketId: string) => ({
    PK: `${tenantKey(tenantId)}#TEAM#${teamId}#Q`,
    SK: `${createdAt}#${ticketId}`,
  }),
  queuePartition: (tenantId: string, teamId: string) => `${tenantKey(tenantId)}#TEAM#${teamId}#Q`,
  /** An agent's open-ticket counter (`open`), changed only by conditional transactions with a ticket's hold. */
  load: (tenantId: string, userId: string) => ({ PK: `${tenantKey(tenantId)}#AGENT#${userId}`, SK: 'LOAD' }),
  /** An agent's membership of a team, beside the counter: the agent's teams are one Query. */
  membership: (tenantId: string, userId: string, teamId: string) => ({
    PK: `${tenantKey(tenantId)}#AGENT#${userId}`,
    SK: `TEAM#${teamId}`,
  }),
  agentPartition: (tenantId: string, userId: string) => `${tenantKey(tenantId)}#AGENT#${userId}`,
  membershipPrefix: 'TEAM#',
  /** A ticket's assignment guard: whom it is counted against, or the queue it waits in (GetItem, versioned). */
  hold: (tenantId: string, ticketId: string) => ({ PK: `${tenantKey(tenantId)}#RTK#${ticketId}`, SK: 'HOLD' }),
} as const;

export const teamItem = (tenantId: string, t: Team) => ({
  ...routingKeys.team(tenantId, t.id),
  ...routingKeys.teamList(tenantId, t.id),
  entity: routingEntities.team,
  ...t,
});

export const membershipItem = (tenantId: string, userId: string, teamId: string) => ({
  ...routingKeys.membership(tenantId, userId, teamId),
  entity: routingEntities.membership,
  userId,
  teamId,
});

export const queuedItem = (tenantId: string, q: QueuedTicket) => ({
  ...routingKeys.queued(tenantId, q.teamId, q.createdAt, q.ticketId),
  entity: routingEntities.queued,
  ...q,
});

export const holdItem = (tenantId: string, h: TicketHold) => ({
  ...routingKeys.hold(tenantId, h.ticketId),
  entity: routingEntities.hold,
  ...h,
});
