import { isWriteConflict } from '../../shared/db/transact.ts';
import { changedFields } from '../../shared/domain/patch.ts';
import { conflict, notFound, preconditionFailed } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import type { RoutingConflict, RoutingRepository } from './repository.ts';
import type { routingRoutes } from './routes.ts';
import type { AgentLoad, Team, TeamInput } from './schemas.ts';

const teamData = (t: Team) => ({ teamId: t.id, name: t.name, mode: t.mode, memberIds: t.members.map((m) => m.userId) });

/** Teams over HTTP: CRUD with versions, the queue and the agents' load. Assignment itself is engine.ts, driven by events. */
export const routingService = (repo: RoutingRepository) => {
  /** Reads the team and checks If-Match; a stale version, or one that changed before the write, is 412. */
  const changeTeam = async <T>(tenantId: string, id: string, ifMatch: number | undefined, change: (before: Team) => Promise<T>) => {
    const before = await repo.getTeam(tenantId, id, true);
    if (!before) throw notFound('team');
    if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
    try {
      return await change(before);
    } catch (error) {
      if (isWriteConflict<RoutingConflict>(error, 'VERSION')) throw preconditionFailed();
      throw error;
    }
  };

  const existing = async (tenantId: string, id: string) => {
    const team = await repo.getTeam(tenantId, id);
    if (!team) throw notFound('team');
    return team;
  };

  const service: ServiceFor<typeof routingRoutes, RequestContext> = {
    async createTeam({ body }, ctx) {
      const now = clock().now().toISOString();
      const team: Team = { id: newId(), version: 1, ...body, createdAt: now, updatedAt: now };
      await repo.createTeam(ctx.tenantId, team, [domainEvent(ctx.tenantId, 'team.created', teamData(team))]);
      return team;
    },

    listTeams: ({ query }, ctx) => repo.listTeams(ctx.tenantId, query),

    getTeam: ({ params }, ctx) => existing(ctx.tenantId, params.id),

    updateTeam: ({ params, body, ifMatch }, ctx) =>
      changeTeam(ctx.tenantId, params.id, ifMatch, async (before) => {
        const after: Team = { ...before, ...(body as TeamInput), version: before.version + 1, updatedAt: clock().now().toISOString() };
        const changed = changedFields(before, after);
        if (!changed.length) return before;
        await repo.updateTeam(ctx.tenantId, before, after, [domainEvent(ctx.tenantId, 'team.updated', { ...teamData(after), changed })]);
        return after;
      }),

    deleteTeam: ({ params, ifMatch }, ctx) =>
      changeTeam(ctx.tenantId, params.id, ifMatch, async (team) => {
        if ((await repo.oldestQueued(ctx.tenantId, team.id, 1)).length)
          throw conflict('tickets wait in the team queue: assign them or move them to another team first');
        await repo.deleteTeam(ctx.tenantId, team, [domainEvent(ctx.tenantId, 'team.deleted', teamData(team))]);
        return undefined;
      }),

    async teamQueue({ params, query }, ctx) {
      await existing(ctx.tenantId, params.id);
      return repo.queuePage(ctx.tenantId, params.id, query);
    },

    async teamAgents({ params }, ctx) {
      const team = await existing(ctx.tenantId, params.id);
      const loads = await repo.loads(
        ctx.tenantId,
        team.members.map((m) => m.userId),
      );
      const items: AgentLoad[] = team.members.map((m) => {
        const open = loads.get(m.userId) ?? 0;
        return {
          userId: m.userId,
          active: m.active,
          skills: m.skills,
          capacity: m.capacity,
          open,
          available: Math.max(0, m.capacity - open),
        };
      });
      return { teamId: team.id, items };
    },
  };
  return service;
};
