import { routingRepository } from './repository.ts';
import type { Team } from './schemas.ts';

export type { AgentLoad, Member, QueuedTicket, RoutingMode, Team } from './schemas.ts';
export { type AssignmentStep, countViolations, stepsFromEvents, type Violations } from './violations.ts';

/** What other contexts may ask of routing (the SLA escalation notifies a team's lead; reports read loads). */
export const routingApi = {
  /** A team with its lead and members (one GetItem). */
  team: ({ tenantId, teamId }: { tenantId: string; teamId: string }): Promise<Team | undefined> =>
    routingRepository.getTeam(tenantId, teamId),

  /** Open tickets per agent as routing counts them, strongly consistent (one BatchGetItem). */
  openTickets: ({ tenantId, userIds }: { tenantId: string; userIds: string[] }): Promise<Map<string, number>> =>
    routingRepository.loads(tenantId, userIds),
};
export type RoutingApi = typeof routingApi;
