import { BatchGetCommand, type BatchGetCommandOutput, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/db/client.ts';
import type { Page, PageRequest } from '../../shared/db/query.ts';
import { getItem, getItems, listPage, queryPage, queryPages, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { atVersion, isWriteConflict, labelled, put, putNew, remove, type TransactItem, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { holdItem, membershipItem, queuedItem, routingEntities, routingKeys, teamItem } from './items.ts';
import type { QueuedTicket, Team, TicketHold } from './schemas.ts';

export type { Page, PageRequest } from '../../shared/db/query.ts';

/** What a failed write collided with: EXISTS/VERSION on teams, HOLD (the ticket's guard moved on), CAPACITY (the agent is full). */
export type RoutingConflict = 'EXISTS' | 'VERSION' | 'HOLD' | 'CAPACITY';

/** One counter change: +1 with `capacity` only while the agent holds fewer than that; without it (a human's decision, a release) always. */
export interface CounterChange {
  userId: string;
  by: 1 | -1;
  capacity?: number;
}

/**
 * One change of a ticket's assignment guard, in one transaction with the counters and the
 * queue entries it moves: the guard at the version read (HOLD), each capped increment (CAPACITY).
 */
export interface HoldChange {
  tenantId: string;
  /** The guard as read; absent when the ticket has none yet. */
  before?: TicketHold;
  after: TicketHold;
  counters: CounterChange[];
  enqueue?: QueuedTicket;
  dequeue?: { teamId: string; createdAt: string };
}

/** The only DynamoDB access of routing. Conflicts throw WriteConflict<RoutingConflict>. */
export interface RoutingRepository {
  getTeam(tenantId: string, id: string, consistent?: boolean): Promise<Team | undefined>;
  getTeams(tenantId: string, ids: string[]): Promise<Team[]>;
  listTeams(tenantId: string, page: PageRequest): Promise<Page<Team>>;
  /** EXISTS when the id is taken; writes a membership item per member. */
  createTeam(tenantId: string, team: Team, events: DomainEvent[]): Promise<void>;
  /** Replaces `before` at its version (VERSION); memberships follow the members added and removed. */
  updateTeam(tenantId: string, before: Team, after: Team, events: DomainEvent[]): Promise<void>;
  deleteTeam(tenantId: string, team: Team, events: DomainEvent[]): Promise<void>;
  /** The teams a user is a member of (one Query of the agent's partition). */
  teamIdsOf(tenantId: string, userId: string): Promise<string[]>;
  /** The next round-robin turn of a team: an atomic ADD returning the new count (1 for the first). */
  nextTurn(tenantId: string, teamId: string): Promise<number>;

  /** Open tickets per agent, strongly consistent (0 for an agent never counted). */
  loads(tenantId: string, userIds: string[]): Promise<Map<string, number>>;

  getHold(tenantId: string, ticketId: string): Promise<TicketHold | undefined>;
  changeHold(change: HoldChange): Promise<void>;

  /** The oldest tickets waiting in a team's queue (a consistent Query). */
  oldestQueued(tenantId: string, teamId: string, limit: number): Promise<QueuedTicket[]>;
  queuePage(tenantId: string, teamId: string, page: PageRequest): Promise<Page<QueuedTicket>>;
  /** Removes a queue entry its ticket's guard, as read (`hold`), no longer points to; nothing when the guard changed since. */
  removeQueued(tenantId: string, entry: QueuedTicket, hold: TicketHold | undefined): Promise<void>;
}

const counterUpdate = (tenantId: string, { userId, by, capacity }: CounterChange): TransactItem => ({
  Update: {
    TableName: tableNameFromEnv(),
    Key: routingKeys.load(tenantId, userId),
    UpdateExpression: 'SET #e = :e, userId = :u ADD #open :by',
    ...(capacity !== undefined && { ConditionExpression: 'attribute_not_exists(#open) OR #open < :cap' }),
    ExpressionAttributeNames: { '#e': 'entity', '#open': 'open' },
    ExpressionAttributeValues: { ':e': routingEntities.load, ':u': userId, ':by': by, ...(capacity !== undefined && { ':cap': capacity }) },
  },
});

const membershipKey = (tenantId: string, userId: string, teamId: string) => routingKeys.membership(tenantId, userId, teamId);

const memberIds = (t: Team) => new Set(t.members.map((m) => m.userId));

export const routingRepository: RoutingRepository = {
  async getTeam(tenantId, id, consistent = false) {
    const item = await getItem(routingKeys.team(tenantId, id), consistent);
    return item && stripKeys<Team>(item);
  },

  async getTeams(tenantId, ids) {
    return (await getItems(ids.map((id) => routingKeys.team(tenantId, id)))).map((i) => stripKeys<Team>(i));
  },

  listTeams: (tenantId, page) => listPage<Team>({ index: 'GSI1', partition: routingKeys.teamListPartition(tenantId) }, page),

  createTeam: (tenantId, team, events) =>
    transact<RoutingConflict>(
      [
        labelled('EXISTS', putNew(teamItem(tenantId, team))),
        ...team.members.map((m) => labelled('VERSION', put(membershipItem(tenantId, m.userId, team.id)))),
      ],
      events,
    ),

  updateTeam(tenantId, before, after, events) {
    const was = memberIds(before);
    const is = memberIds(after);
    return transact<RoutingConflict>(
      [
        labelled('VERSION', put(teamItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version })),
        ...[...is].filter((u) => !was.has(u)).map((u) => labelled('VERSION', put(membershipItem(tenantId, u, after.id)))),
        ...[...was].filter((u) => !is.has(u)).map((u) => labelled('VERSION', remove(membershipKey(tenantId, u, after.id)))),
      ],
      events,
    );
  },

  deleteTeam: (tenantId, team, events) =>
    transact<RoutingConflict>(
      [
        labelled('VERSION', remove(routingKeys.team(tenantId, team.id), ...atVersion(team.version))),
        labelled('VERSION', remove(routingKeys.turn(tenantId, team.id))),
        ...team.members.map((m) => labelled('VERSION', remove(membershipKey(tenantId, m.userId, team.id)))),
      ],
      events,
    ),

  async teamIdsOf(tenantId, userId) {
    const ids: string[] = [];
    for await (const items of queryPages({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
      ExpressionAttributeValues: { ':pk': routingKeys.agentPartition(tenantId, userId), ':m': routingKeys.membershipPrefix },
      ConsistentRead: true,
    }))
      ids.push(...items.map((i) => String(i.teamId)));
    return ids;
  },

  async nextTurn(tenantId, teamId) {
    const out = await db().send(
      new UpdateCommand({
        TableName: tableNameFromEnv(),
        Key: routingKeys.turn(tenantId, teamId),
        UpdateExpression: 'SET #e = :e ADD turns :one',
        ExpressionAttributeNames: { '#e': 'entity' },
        ExpressionAttributeValues: { ':e': routingEntities.turn, ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.turns);
  },

  async loads(tenantId, userIds) {
    const found = new Map<string, number>(userIds.map((u) => [u, 0]));
    const table = tableNameFromEnv();
    const unique = [...new Set(userIds)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((u) => routingKeys.load(tenantId, u));
      while (keys?.length) {
        const out: BatchGetCommandOutput = await db().send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[table] ?? []) found.set(String(item.userId), Number(item.open ?? 0));
        keys = out.UnprocessedKeys?.[table]?.Keys;
      }
    }
    return found;
  },

  async getHold(tenantId, ticketId) {
    const item = await getItem(routingKeys.hold(tenantId, ticketId), true);
    return item && stripKeys<TicketHold>(item);
  },

  async changeHold({ tenantId, before, after, counters, enqueue, dequeue }) {
    const sameEntry = enqueue && dequeue && enqueue.teamId === dequeue.teamId && enqueue.createdAt === dequeue.createdAt;
    await transact<RoutingConflict>([
      before
        ? labelled('HOLD', put(holdItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version }))
        : labelled('HOLD', putNew(holdItem(tenantId, after))),
      ...counters.map((c) => labelled(c.capacity === undefined ? 'HOLD' : 'CAPACITY', counterUpdate(tenantId, c))),
      ...(dequeue && !sameEntry
        ? [labelled('HOLD', remove(routingKeys.queued(tenantId, dequeue.teamId, dequeue.createdAt, after.ticketId)))]
        : []),
      ...(enqueue ? [labelled('HOLD', put(queuedItem(tenantId, enqueue)))] : []),
    ]);
  },

  async oldestQueued(tenantId, teamId, limit) {
    const out = await db().send(
      new QueryCommand({
        TableName: tableNameFromEnv(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': routingKeys.queuePartition(tenantId, teamId) },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => stripKeys<QueuedTicket>(i));
  },

  async queuePage(tenantId, teamId, page) {
    const partition = routingKeys.queuePartition(tenantId, teamId);
    const out = await queryPage(
      { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': partition }, ConsistentRead: true },
      { ...page, scope: partition },
    );
    return { items: out.items.map((i) => stripKeys<QueuedTicket>(i)), nextCursor: out.nextCursor };
  },

  async removeQueued(tenantId, entry, hold) {
    try {
      await transact<RoutingConflict>([
        labelled('HOLD', remove(routingKeys.queued(tenantId, entry.teamId, entry.createdAt, entry.ticketId))),
        labelled('HOLD', {
          ConditionCheck: {
            TableName: tableNameFromEnv(),
            Key: routingKeys.hold(tenantId, entry.ticketId),
            ...(hold
              ? {
                  ConditionExpression: '#v = :v',
                  ExpressionAttributeNames: { '#v': 'version' },
                  ExpressionAttributeValues: { ':v': hold.version },
                }
              : { ConditionExpression: 'attribute_not_exists(PK)' }),
          },
        }),
      ]);
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
    }
  },
};
