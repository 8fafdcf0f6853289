import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { deleteItems } from '../../shared/db/batch.ts';
import { db } from '../../shared/db/client.ts';
import { isConditionFailed } from '../../shared/db/errors.ts';
import { getItem, listPage, queryPages, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { type Labelled, labelled, put, putNew, remove, type TransactItem, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { messagingApi } from '../messaging/api.ts';
import { triggerTypes } from './definition.ts';
import { journeyEntities, journeyKeys } from './items.ts';
import { emptyCounters } from './run.ts';
import type { Counters, Journey, JourneyVersion, Segment } from './schemas.ts';
import type { TemplateName } from './template-names.ts';

/**
 * Why a journey write lost (the label of its failed condition): the head
 * changed since it was read (VERSION), the built-in template is already
 * installed (TEMPLATE), or a template it starts sending is being deleted
 * (TEMPLATE_DELETING). A transaction throws them as WriteConflict<JourneyConflict>.
 */
export type JourneyConflict = 'VERSION' | 'TEMPLATE' | 'TEMPLATE_DELETING' | 'INDEX';

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
const indexChanges = (tenantId: string, before: Journey, after: Journey): Labelled<JourneyConflict>[] => {
  const id = (i: Record<string, unknown>) => `${String(i.PK)}|${String(i.SK)}`;
  const previous = [...indexItems(tenantId, before), ...templateUses(tenantId, before)];
  const next = [...indexItems(tenantId, after), ...templateUses(tenantId, after)];
  const kept = new Set(next.map(id));
  const had = new Set(previous.map(id));
  const dropped = previous.filter((i) => !kept.has(id(i)));
  const newUses = next.filter((i) => i.entity === 'TEMPLATE_USE' && !had.has(id(i)));
  return [
    ...dropped.map((i) => labelled('INDEX', remove({ PK: i.PK, SK: i.SK }))),
    ...next.map((i) => labelled('INDEX', put(i))),
    ...newUses.map((i) => labelled('TEMPLATE_DELETING', messagingApi.templates.liveCondition(tenantId, String(i.templateId)))),
  ];
};

/** The new head, if the stored one is still at `before`'s version and status. */
const replacing = (tenantId: string, before: Journey, after: Journey): TransactItem =>
  put(headItem(tenantId, after), '#v = :v AND #s = :s', { '#v': 'version', '#s': 'status' }, { ':v': before.version, ':s': before.status });

const versionItem = (tenantId: string, j: Journey) => ({
  ...journeyKeys.version(tenantId, j.id, j.version),
  entity: journeyEntities.version,
  ...versionOf(j),
});

/** Journey definitions: heads, immutable versions, the trigger indexes and the counters. */
export interface JourneyRepository {
  get(tenantId: string, id: string, consistent?: boolean): Promise<Journey | undefined>;
  version(tenantId: string, id: string, version: number): Promise<JourneyVersion | undefined>;
  list(tenantId: string, limit: number, cursor?: string): Promise<{ items: Journey[]; nextCursor?: string }>;
  /** A new journey, its first version and `event`; an installed template also takes its once-per-tenant guard. */
  create(tenantId: string, j: Journey, event: DomainEvent): Promise<void>;
  /**
   * Replaces `before` by `after` with `event` if nobody changed it meanwhile,
   * storing the new version when the definition changed and moving the trigger indexes.
   */
  save(tenantId: string, before: Journey, after: Journey, event: DomainEvent): Promise<void>;
  /** Deletes a draft (never activated, so no run follows it) with `event`: its head, versions, counters and template guard. */
  delete(tenantId: string, j: Journey, event: DomainEvent): Promise<void>;
  templateJourneyId(tenantId: string, name: TemplateName): Promise<string | undefined>;
  /** Every counter of a journey: the journey's and each step's, summed over their shards. */
  stats(tenantId: string, id: string): Promise<Map<string, Counters>>;
  /** The active schedule-triggered journeys of every tenant, a page at a time. */
  scheduled(): AsyncGenerator<ScheduledJourney[]>;
  /** Records the day a sweep finished for a scheduled journey, unless the journey left the index meanwhile. */
  markSwept(entry: ScheduledJourney, day: string): Promise<void>;
}

export const journeyRepository: JourneyRepository = {
  async get(tenantId, id, consistent = false) {
    const item = await getItem(journeyKeys.journey(tenantId, id), consistent);
    return item && stripKeys<Journey>(item);
  },

  async version(tenantId, id, version) {
    const item = await getItem(journeyKeys.version(tenantId, id, version));
    return item && stripKeys<JourneyVersion>(item);
  },

  list: (tenantId, limit, cursor) =>
    listPage<Journey>({ index: 'GSI1', partition: journeyKeys.listPartition(tenantId) }, { limit, cursor }),

  async create(tenantId, j, event) {
    const guard = j.template
      ? [
          labelled(
            'TEMPLATE' as const,
            putNew({ ...journeyKeys.template(tenantId, j.template), entity: journeyEntities.templateGuard, journeyId: j.id }),
          ),
        ]
      : [];
    await transact<JourneyConflict>(
      [labelled('VERSION', putNew(headItem(tenantId, j))), labelled('VERSION', putNew(versionItem(tenantId, j))), ...guard],
      [event],
    );
  },

  async save(tenantId, before, after, event) {
    const version = after.version !== before.version ? [labelled('VERSION' as const, putNew(versionItem(tenantId, after)))] : [];
    await transact<JourneyConflict>(
      [labelled('VERSION', replacing(tenantId, before, after)), ...version, ...indexChanges(tenantId, before, after)],
      [event],
    );
  },

  async delete(tenantId, j, event) {
    const guard = j.template ? [labelled('INDEX' as const, remove(journeyKeys.template(tenantId, j.template)))] : [];
    await transact<JourneyConflict>(
      [
        labelled(
          'VERSION',
          remove(
            journeyKeys.journey(tenantId, j.id),
            '#v = :v AND #s = :s',
            { ':v': j.version, ':s': 'draft' },
            { '#v': 'version', '#s': 'status' },
          ),
        ),
        ...guard,
      ],
      [event],
    );
    const { PK } = journeyKeys.journey(tenantId, j.id);
    for await (const items of queryPages({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': PK },
      ProjectionExpression: 'PK, SK',
    }))
      await deleteItems(items as { PK: string; SK: string }[]);
  },

  async templateJourneyId(tenantId, name) {
    return (await getItem(journeyKeys.template(tenantId, name), true))?.journeyId as string | undefined;
  },

  async stats(tenantId, id) {
    const { PK } = journeyKeys.journey(tenantId, id);
    const totals = new Map<string, Counters>();
    for await (const items of queryPages({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :st)',
      ExpressionAttributeValues: { ':pk': PK, ':st': journeyKeys.statsPrefix },
    })) {
      for (const item of items) {
        const scope = String(item.scope);
        const sum = totals.get(scope) ?? emptyCounters();
        for (const name of Object.keys(sum) as (keyof Counters)[]) sum[name] += Number(item[name] ?? 0);
        totals.set(scope, sum);
      }
    }
    return totals;
  },

  async *scheduled() {
    for await (const items of queryPages({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': journeyKeys.scheduledPartition },
    }))
      yield items.map((i) => stripKeys<ScheduledJourney>(i));
  },

  async markSwept(entry, day) {
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
      if (!isConditionFailed(error)) throw error;
    }
  },
};
