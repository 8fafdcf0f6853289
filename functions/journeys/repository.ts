import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { deleteItems } from '../../shared/db/batch.ts';
import { db } from '../../shared/db/client.ts';
import { getItem, queryPage, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { put, putNew, remove, type TransactItem, TransactionConflict, writeWithEvents } from '../../shared/db/transact.ts';
import { clock } from '../../shared/ports/clock.ts';
import { messagingApi } from '../messaging/api.ts';
import { triggerTypes } from './definition.ts';
import { journeyEntities, journeyKeys } from './items.ts';
import { emptyCounters } from './run.ts';
import type { Counters, Journey, JourneyVersion, Segment } from './schemas.ts';
import type { TemplateName } from './template-names.ts';

/** A journey write lost: the head changed since it was read, or the template is already installed. */
export class JourneyWriteConflict extends Error {
  constructor(readonly reason: 'VERSION' | 'TEMPLATE') {
    super(`journey write conflict: ${reason}`);
  }
}

/** An active schedule-triggered journey, as the win-back sweep reads it. */
export interface ScheduledJourney {
  tenantId: string;
  journeyId: string;
  version: number;
  segment: Segment;
  /** The last day (UTC, YYYY-MM-DD) the sweep enrolled for. */
  lastSweptDay?: string;
}

const headItem = (tenantId: string, j: Journey) => ({
  ...journeyKeys.journey(tenantId, j.id),
  ...journeyKeys.list(tenantId, j.id),
  entity: journeyEntities.journey,
  ...j,
});

export const versionOf = (j: Journey): JourneyVersion => ({
  journeyId: j.id,
  version: j.version,
  name: j.name,
  ...(j.description ? { description: j.description } : {}),
  trigger: j.trigger,
  steps: j.steps,
  goals: j.goals,
  reentry: j.reentry,
  createdAt: j.updatedAt,
});

/** What makes an active journey reachable: a trigger item per event type, or its entry in the scheduled partition. */
const indexItems = (tenantId: string, j: Journey): Record<string, unknown>[] => {
  if (j.status !== 'active') return [];
  if (j.trigger.type === 'schedule') {
    return [
      {
        ...journeyKeys.scheduled(tenantId, j.id),
        entity: journeyEntities.schedule,
        tenantId,
        journeyId: j.id,
        version: j.version,
        segment: j.trigger.segment,
      },
    ];
  }
  const { filter } = j.trigger;
  return triggerTypes(j.trigger).map((type) => ({
    ...journeyKeys.trigger(tenantId, type, j.id),
    entity: journeyEntities.trigger,
    journeyId: j.id,
    version: j.version,
    filter,
  }));
};

/** The templates an active or paused journey sends, each as a reference beside the template: messaging refuses to delete one in use. */
const templateUses = (tenantId: string, j: Journey): Record<string, unknown>[] => {
  if (j.status !== 'active' && j.status !== 'paused') return [];
  const templateIds = new Set(j.steps.flatMap((s) => ('templateId' in s ? [s.templateId] : [])));
  return [...templateIds].map((templateId) => messagingApi.templates.useItem(tenantId, templateId, j));
};

/** Index writes taking a journey from `before` to `after`: drop what no longer applies, put what does. */
const indexChanges = (tenantId: string, before: Journey, after: Journey): TransactItem[] => {
  const id = (i: Record<string, unknown>) => `${String(i.PK)}|${String(i.SK)}`;
  const previous = [...indexItems(tenantId, before), ...templateUses(tenantId, before)];
  const next = [...indexItems(tenantId, after), ...templateUses(tenantId, after)];
  const kept = new Set(next.map(id));
  const had = new Set(previous.map(id));
  const dropped = previous.filter((i) => !kept.has(id(i)));
  const newUses = next.filter((i) => i.entity === 'TEMPLATE_USE' && !had.has(id(i)));
  return [
    ...dropped.map((i) => remove({ PK: i.PK, SK: i.SK })),
    ...next.map((i) => put(i)),
    ...newUses.map((i) => messagingApi.templates.liveCondition(tenantId, String(i.templateId))),
  ];
};

const write = async (items: TransactItem[], reasons: ('VERSION' | 'TEMPLATE')[]) => {
  try {
    await writeWithEvents(items, []);
  } catch (error) {
    if (error instanceof TransactionConflict) throw new JourneyWriteConflict(reasons[error.failed[0]!] ?? 'VERSION');
    throw error;
  }
};

/** The new head, if the stored one is still at `before`'s version and status. */
const replacing = (tenantId: string, before: Journey, after: Journey) =>
  put(headItem(tenantId, after), '#v = :v AND #s = :s', { '#v': 'version', '#s': 'status' }, { ':v': before.version, ':s': before.status });

/** Journey definitions: heads, immutable versions, the trigger indexes and the counters. */
export const journeyRepository = {
  async get(tenantId: string, id: string, consistent = false): Promise<Journey | undefined> {
    const item = await getItem(journeyKeys.journey(tenantId, id), consistent);
    return item && stripKeys<Journey>(item);
  },

  async version(tenantId: string, id: string, version: number): Promise<JourneyVersion | undefined> {
    const item = await getItem(journeyKeys.version(tenantId, id, version));
    return item && stripKeys<JourneyVersion>(item);
  },

  async list(tenantId: string, limit: number, cursor?: string) {
    const partition = journeyKeys.listPartition(tenantId);
    const page = await queryPage(
      { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': partition } },
      { limit, cursor, scope: partition },
    );
    return { items: page.items.map((i) => stripKeys<Journey>(i)), nextCursor: page.nextCursor };
  },

  /** A new journey and its first version; an installed template also takes its once-per-tenant guard. */
  async create(tenantId: string, j: Journey) {
    const guard = j.template
      ? [putNew({ ...journeyKeys.template(tenantId, j.template), entity: journeyEntities.templateGuard, journeyId: j.id })]
      : [];
    await write(
      [
        putNew(headItem(tenantId, j)),
        putNew({ ...journeyKeys.version(tenantId, j.id, j.version), entity: journeyEntities.version, ...versionOf(j) }),
        ...guard,
      ],
      ['VERSION', 'VERSION', 'TEMPLATE'],
    );
  },

  /**
   * Replaces `before` by `after` if nobody changed it meanwhile, storing the
   * new version when the definition changed and moving the trigger indexes.
   */
  async save(tenantId: string, before: Journey, after: Journey) {
    const version =
      after.version !== before.version
        ? [putNew({ ...journeyKeys.version(tenantId, after.id, after.version), entity: journeyEntities.version, ...versionOf(after) })]
        : [];
    await write([replacing(tenantId, before, after), ...version, ...indexChanges(tenantId, before, after)], ['VERSION']);
  },

  /** Deletes a draft (never activated, so no run follows it): its head, versions, counters and template guard. */
  async delete(tenantId: string, j: Journey) {
    const guard = j.template ? [remove(journeyKeys.template(tenantId, j.template))] : [];
    await write(
      [
        remove(
          journeyKeys.journey(tenantId, j.id),
          '#v = :v AND #s = :s',
          { ':v': j.version, ':s': 'draft' },
          { '#v': 'version', '#s': 'status' },
        ),
        ...guard,
      ],
      ['VERSION'],
    );
    const { PK } = journeyKeys.journey(tenantId, j.id);
    const rest = await db().send(
      new QueryCommand({
        TableName: tableNameFromEnv(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        ProjectionExpression: 'PK, SK',
      }),
    );
    await deleteItems((rest.Items ?? []) as { PK: string; SK: string }[]);
  },

  async templateJourneyId(tenantId: string, name: TemplateName): Promise<string | undefined> {
    return (await getItem(journeyKeys.template(tenantId, name), true))?.journeyId as string | undefined;
  },

  /** Every counter of a journey in one query: the journey's and each step's, summed over their shards. */
  async stats(tenantId: string, id: string): Promise<Map<string, Counters>> {
    const { PK } = journeyKeys.journey(tenantId, id);
    const totals = new Map<string, Counters>();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db().send(
        new QueryCommand({
          TableName: tableNameFromEnv(),
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :st)',
          ExpressionAttributeValues: { ':pk': PK, ':st': journeyKeys.statsPrefix },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const scope = String(item.scope);
        const sum = totals.get(scope) ?? emptyCounters();
        for (const name of Object.keys(sum) as (keyof Counters)[]) sum[name] += Number(item[name] ?? 0);
        totals.set(scope, sum);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return totals;
  },

  /** One page of the active schedule-triggered journeys of every tenant. */
  async scheduled(cursor?: Record<string, unknown>): Promise<{ items: ScheduledJourney[]; next?: Record<string, unknown> }> {
    const page = await db().send(
      new QueryCommand({
        TableName: tableNameFromEnv(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': journeyKeys.scheduledPartition },
        ExclusiveStartKey: cursor,
      }),
    );
    return { items: (page.Items ?? []).map((i) => stripKeys<ScheduledJourney>(i)), next: page.LastEvaluatedKey };
  },

  /** Records the day a sweep finished for a scheduled journey, unless the journey left the index meanwhile. */
  async markSwept(entry: ScheduledJourney, day: string) {
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableNameFromEnv(),
          Key: journeyKeys.scheduled(entry.tenantId, entry.journeyId),
          UpdateExpression: 'SET lastSweptDay = :day',
          ConditionExpression: 'attribute_exists(PK) AND #v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':day': day, ':v': entry.version },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  },
};
export type JourneyRepository = typeof journeyRepository;
