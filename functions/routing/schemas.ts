import * as z from 'zod';
import { email, id, listQuery, tag, text } from '../../shared/domain/fields.ts';

export const routingModes = ['round_robin', 'load_balanced'] as const;
export type RoutingMode = (typeof routingModes)[number];

/** At most this many members per team: a team change writes the team and a membership item per member added or removed in one transaction. */
export const maxMembers = 40;

/** A staff user id (the token's subject); no '#', which keys use as separator. */
const userId = z.string().regex(/^[^#\s]{1,128}$/, 'a user id: 1 to 128 characters, no spaces or #');

const memberInput = z.strictObject({
  userId,
  /** Skills, matched against a ticket's category and tags (case-insensitive). */
  skills: z
    .array(tag)
    .max(30)
    .default([])
    .transform((s) => [...new Set(s)]),
  /** The most tickets the agent holds open at once; 0 takes none. */
  capacity: z.number().int().min(0).max(1000),
  /** An inactive member keeps their tickets and gets no new ones. */
  active: z.boolean().default(true),
});

const teamBody = z.strictObject({
  name: text(100),
  lead: z.strictObject({ userId, email }),
  mode: z.enum(routingModes).default('round_robin'),
  members: z
    .array(memberInput)
    .max(maxMembers)
    .default([])
    .refine((m) => new Set(m.map((x) => x.userId)).size === m.length, 'a user is a member once'),
});

export const createTeamBody = teamBody;
/** PUT replaces the team: name, lead, mode and members. */
export const updateTeamBody = teamBody;
export type TeamInput = z.output<typeof teamBody>;

export const teamIdParams = z.strictObject({ id });
export const listTeamsQuery = listQuery;
export const teamQueueQuery = listQuery;

const memberResponse = z
  .object({ userId: z.string(), skills: z.array(z.string()), capacity: z.number().int(), active: z.boolean() })
  .meta({ id: 'TeamMember' });
export type Member = z.infer<typeof memberResponse>;

export const teamResponse = z
  .object({
    id,
    version: z.number().int(),
    name: z.string(),
    lead: z.object({ userId: z.string(), email: z.string() }),
    mode: z.enum(routingModes),
    members: z.array(memberResponse),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Team' });
export type Team = z.infer<typeof teamResponse>;

/** A ticket waiting in a team's queue because every member was at capacity. */
export const queuedTicketResponse = z
  .object({
    ticketId: z.string(),
    teamId: id,
    /** The ticket's creation time: the queue is served oldest first. */
    createdAt: z.string(),
    queuedAt: z.string(),
    category: z.string().optional(),
    tags: z.array(z.string()),
  })
  .meta({ id: 'QueuedTicket' });
export type QueuedTicket = z.infer<typeof queuedTicketResponse>;

export const agentLoadResponse = z
  .object({
    userId: z.string(),
    active: z.boolean(),
    skills: z.array(z.string()),
    capacity: z.number().int(),
    /** Tickets the agent holds open now (in any team). */
    open: z.number().int(),
    /** capacity − open, never below 0. */
    available: z.number().int(),
  })
  .meta({ id: 'AgentLoad' });
export type AgentLoad = z.infer<typeof agentLoadResponse>;
export const teamAgentsResponse = z.object({ teamId: id, items: z.array(agentLoadResponse) }).meta({ id: 'TeamAgents' });

/**
 * What routing keeps per ticket (the assignment guard): whom the ticket is counted against and
 * whether the assignment is confirmed on the ticket, or in which team's queue it waits.
 */
export interface TicketHold {
  ticketId: string;
  /** The agent whose counter holds this ticket. */
  agentId?: string;
  /** `claimed`: counted, the ticket not yet assigned (a router is at work); `assigned`: the ticket carries the agent. */
  state?: 'claimed' | 'assigned';
  /** The team the agent was chosen in. */
  teamId?: string;
  /** Set while the ticket waits in that team's queue. */
  queued?: { teamId: string; createdAt: string };
  version: number;
  updatedAt: string;
}
