import { page } from '../../shared/domain/fields.ts';
import type { Role } from '../../shared/http/route.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import {
  createTeamBody,
  listTeamsQuery,
  queuedTicketResponse,
  teamAgentsResponse,
  teamIdParams,
  teamQueueQuery,
  teamResponse,
  updateTeamBody,
} from './schemas.ts';

/** Admins shape teams; support reads them, their queues and their agents' load. */
const teamWriters: readonly Role[] = ['admin'];
const teamReaders: readonly Role[] = ['admin', 'support'];

export const routingRoutes = defineRoutes('routing', {
  createTeam: {
    method: 'POST',
    path: '/teams',
    summary: 'Create a team: name, lead, mode (round_robin or load_balanced) and members with skills, capacity and active flag',
    roles: teamWriters,
    body: createTeamBody,
    response: teamResponse,
    status: 201,
    location: '/teams/{id}',
  },
  listTeams: {
    method: 'GET',
    path: '/teams',
    summary: "The tenant's teams, oldest first",
    roles: teamReaders,
    query: listTeamsQuery,
    response: page(teamResponse),
  },
  getTeam: {
    method: 'GET',
    path: '/teams/{id}',
    summary: 'Get a team',
    roles: teamReaders,
    params: teamIdParams,
    response: teamResponse,
  },
  updateTeam: {
    method: 'PUT',
    path: '/teams/{id}',
    summary: 'Replace a team (If-Match); room it gains (a member added, capacity raised) serves its queue',
    roles: teamWriters,
    params: teamIdParams,
    body: updateTeamBody,
    response: teamResponse,
  },
  deleteTeam: {
    method: 'DELETE',
    path: '/teams/{id}',
    summary: 'Delete a team whose queue is empty (If-Match)',
    roles: teamWriters,
    params: teamIdParams,
    status: 204,
    conflict: 'tickets wait in the team queue',
  },
  teamQueue: {
    method: 'GET',
    path: '/teams/{id}/queue',
    summary: 'The tickets waiting for a member with room, oldest first',
    roles: teamReaders,
    params: teamIdParams,
    query: teamQueueQuery,
    response: page(queuedTicketResponse),
  },
  teamAgents: {
    method: 'GET',
    path: '/teams/{id}/agents',
    summary: "The team's members with their open tickets (in any team) against their capacity",
    roles: teamReaders,
    params: teamIdParams,
    response: teamAgentsResponse,
  },
});
