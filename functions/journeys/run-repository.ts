import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/db/client.ts';
import { isConditionFailed } from '../../shared/db/errors.ts';
import { getItem, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { isWriteConflict, labelled, put, putNew, remove, type TransactItem, transact } from '../../shared/db/transact.ts';
import { journeyEntities, journeyKeys } from './items.ts';
import { journeyRepository } from './repository.ts';
import { intervalCutoff, pointerOf, type Run, type RunPointer, type RunStore, type StatsDelta, type TriggerEntry } from './run.ts';
import type { JourneyVersion, Reentry } from './schemas.ts';

/** Counters are spread over this many items per scope, so concurrent runs' transactions rarely collide on one. */
const statsShards = 4;
const shardOf = (runId: string) => [...runId].reduce((sum, c) => sum + c.charCodeAt(0), 0) % statsShards;
const day = 86_400;
/** Step records outlive any run's retries by far; enrolment guards outlive any event redelivery. */
const stepRecordTtl = 400 * day;
const enrolmentGuardTtl = 30 * day;
const expiresIn = (now: Date, seconds: number) => Math.floor(now.getTime() / 1000) + seconds;

const runItem = (run: Run) => ({ ...journeyKeys.run(run.tenantId, run.id), entity: journeyEntities.run, ...run });
const pointerItem = (run: Run) => ({
  ...journeyKeys.contactRun(run.tenantId, run.contactId, run.id),
  entity: journeyEntities.contactRun,
  ...pointerOf(run),
});

const update = (
  Key: Record<string, unknown>,
  expression: string,
  names: Record<string, string>,
  values: Record<string, unknown>,
  condition?: string,
): TransactItem => ({
  Update: {
    TableName: tableNameFromEnv(),
    Key,
    UpdateExpression: expression,
    ConditionExpression: condition,
    ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
    ExpressionAttributeValues: values,
  },
});

/** ADD updates of a run's counters, on the run's shard of each scope. */
const statsUpdates = (tenantId: string, journeyId: string, runId: string, delta: StatsDelta): TransactItem[] =>
  Object.entries(delta).flatMap(([scope, counts]) => {
    const changes = Object.entries(counts).filter(([, n]) => n);
    if (!changes.length) return [];
    return [
      update(
        journeyKeys.stats(tenantId, journeyId, scope, shardOf(runId)),
        `SET #e = :e, #scope = :scope ADD ${changes.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        { '#e': 'entity', '#scope': 'scope', ...Object.fromEntries(changes.map(([name], i) => [`#c${i}`, name])) },
        { ':e': journeyEntities.stats, ':scope': scope, ...Object.fromEntries(changes.map(([, n], i) => [`:c${i}`, n])) },
      ),
    ];
  });

/** The re-entry policy as a condition on the contact's enrolment item (run.ts `admits` states the same rule). */
const reentryCondition = (reentry: Reentry, now: Date): { condition?: string; values: Record<string, unknown> } => {
  const values = reentry.minIntervalDays ? { ':cutoff': intervalCutoff(reentry, now) } : {};
  const interval = reentry.minIntervalDays ? '#entered <= :cutoff' : undefined;
  switch (reentry.mode) {
    case 'never':
      return { condition: 'attribute_not_exists(PK)', values: {} };
    case 'any_time':
      return { condition: interval && `attribute_not_exists(PK) OR ${interval}`, values };
    case 'after_exit':
      return { condition: `attribute_not_exists(PK) OR (attribute_not_exists(#active)${interval ? ` AND ${interval}` : ''})`, values };
  }
};

/** Versions never change, so a function instance keeps those it loaded. */
/**
 * Labels of the conditions in a run's transactions: the event already enrolled
 * the contact (DUPLICATE), re-entry refuses it (REENTRY), the run moved since
 * it was read (REVISION); INDEX items carry no condition.
 */
type RunConflict = 'DUPLICATE' | 'REENTRY' | 'EXISTS' | 'REVISION' | 'INDEX';

const versionCache = new Map<string, JourneyVersion>();
const maxCachedVersions = 500;

/** The engine's RunStore on the single table. */
export const runRepository: RunStore = {
  async version(tenantId, journeyId, version) {
    const key = `${tenantId}|${journeyId}|${version}`;
    const cached = versionCache.get(key);
    if (cached) return cached;
    const found = await journeyRepository.version(tenantId, journeyId, version);
    if (found) {
      if (versionCache.size >= maxCachedVersions) versionCache.clear();
      versionCache.set(key, found);
    }
    return found;
  },

  async triggers(tenantId, eventType) {
    const out = await db().send(
      new QueryCommand({
        TableName: tableNameFromEnv(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': journeyKeys.triggerPartition(tenantId, eventType) },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(
      (i) => ({ journeyId: String(i.journeyId), version: Number(i.version), ...(i.filter ? { filter: i.filter } : {}) }) as TriggerEntry,
    );
  },

  /** One transaction: the event guard, the re-entry check, the run, its index entry and the entered counters. */
  async enrol({ run, reentry, now }) {
    const t = run.tenantId;
    const guard = journeyKeys.enrolmentEvent(t, run.journeyId, run.trigger.eventId, run.contactId);
    const { condition, values } = reentryCondition(reentry, now);
    try {
      await transact<RunConflict>([
        labelled(
          'DUPLICATE',
          putNew({ ...guard, entity: journeyEntities.enrolmentEvent, runId: run.id, expiresAt: expiresIn(now, enrolmentGuardTtl) }),
        ),
        labelled(
          'REENTRY',
          update(
            journeyKeys.enrolment(t, run.journeyId, run.contactId),
            'SET #e = :e, #entered = :now, #active = :run ADD #entries :one',
            { '#e': 'entity', '#entered': 'lastEnteredAt', '#active': 'activeRunId', '#entries': 'entries' },
            { ':e': journeyEntities.enrolment, ':now': now.toISOString(), ':run': run.id, ':one': 1, ...values },
            condition,
          ),
        ),
        labelled('EXISTS', putNew(runItem(run))),
        labelled('INDEX', put(pointerItem(run))),
        ...statsUpdates(t, run.journeyId, run.id, { '*': { entered: 1, inProgress: 1 } }).map((item) => labelled('INDEX' as const, item)),
      ]);
      return { status: 'enrolled' };
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
      if (!error.reasons.includes('DUPLICATE')) return { status: 'refused' };
      return { status: 'duplicate', runId: String((await getItem(guard, true))?.runId) };
    }
  },

  async run(tenantId, runId) {
    const item = await getItem(journeyKeys.run(tenantId, runId), true);
    return item && stripKeys<Run>(item);
  },

  async contactRuns(tenantId, contactId) {
    const out = await db().send(
      new QueryCommand({
        TableName: tableNameFromEnv(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': journeyKeys.contactRunPartition(tenantId, contactId) },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((i) => stripKeys<RunPointer>(i));
  },

  async claimStep(run, data) {
    const { stepId, visit } = run.at!;
    const key = journeyKeys.runStep(run.tenantId, run.id, stepId, visit);
    const now = new Date(run.updatedAt);
    try {
      await db().send(
        new PutCommand({
          TableName: tableNameFromEnv(),
          Item: {
            ...key,
            entity: journeyEntities.step,
            runId: run.id,
            stepId,
            visit,
            status: 'claimed',
            data,
            expiresAt: expiresIn(now, stepRecordTtl),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return data;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      return ((await getItem(key, true))?.data ?? {}) as Record<string, unknown>;
    }
  },

  /** One transaction: the run (at the revision read), the step record, the contact's run index, re-entry release and counters. */
  async commit({ before, after, stats, step }) {
    const t = before.tenantId;
    const items: TransactItem[] = [];
    if (step) {
      items.push(
        update(
          journeyKeys.runStep(t, before.id, step.stepId, step.visit),
          'SET #e = :e, #run = :run, #step = :step, #visit = :visit, #status = :done, #state = :state, #exp = :exp',
          {
            '#e': 'entity',
            '#run': 'runId',
            '#step': 'stepId',
            '#visit': 'visit',
            '#status': 'status',
            '#state': 'state',
            '#exp': 'expiresAt',
          },
          {
            ':e': journeyEntities.step,
            ':run': before.id,
            ':step': step.stepId,
            ':visit': step.visit,
            ':done': 'done',
            ':state': step.state,
            ':exp': expiresIn(new Date(after.updatedAt), stepRecordTtl),
          },
        ),
      );
    }
    if (after.status !== 'active') {
      items.push(remove(journeyKeys.contactRun(t, before.contactId, before.id)));
      items.push(
        update(
          journeyKeys.enrolment(t, before.journeyId, before.contactId),
          'SET #exited = :now REMOVE #active',
          { '#exited': 'lastExitedAt', '#active': 'activeRunId' },
          { ':now': after.updatedAt },
        ),
      );
    } else if (JSON.stringify(pointerOf(before)) !== JSON.stringify(pointerOf(after))) {
      items.push(put(pointerItem(after)));
    }
    items.push(...statsUpdates(t, before.journeyId, before.id, stats));
    try {
      await transact<RunConflict>([
        labelled('REVISION', put(runItem(after), '#rev = :rev', { '#rev': 'rev' }, { ':rev': before.rev })),
        ...items.map((item) => labelled('INDEX' as const, item)),
      ]);
      return true;
    } catch (error) {
      if (isWriteConflict(error)) return false;
      throw error;
    }
  },
};
