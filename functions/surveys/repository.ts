import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { deleteQueried } from '../../shared/db/batch.ts';
import { db } from '../../shared/db/client.ts';
import { getItem, queryPage, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { putNew, type TransactItem, TransactionConflict, writeWithEvents } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import type { SendOutcome } from '../messaging/api.ts';
import { surveyKeys as keys, surveyEntities } from './items.ts';
import type { SurveyResponse, SurveySend } from './schemas.ts';

/** Another send already holds this dedupe key. */
export class SurveyDedupeConflict extends Error {}
/** The send was answered before (or no longer exists). */
export class SurveyAlreadyAnswered extends Error {}

const sendItem = (tenantId: string, s: SurveySend) => ({
  ...keys.surveySend(tenantId, s.id),
  ...keys.contactSurvey(tenantId, s.contactId, s.id),
  entity: surveyEntities.send,
  ...s,
});

const conditionFailed = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';

/** An update of a send that bumps its version; `#r` names its response. */
const update = (tenantId: string, id: string, expression: string, condition: string, values: Record<string, unknown>) => ({
  TableName: tableNameFromEnv(),
  Key: keys.surveySend(tenantId, id),
  UpdateExpression: `${expression}, #v = #v + :one`,
  ConditionExpression: condition,
  ExpressionAttributeNames: { '#v': 'version', ...(`${expression} ${condition}`.includes('#r') ? { '#r': 'response' } : {}) },
  ExpressionAttributeValues: { ...values, ':one': 1 },
});

export const surveyRepository = {
  async get(tenantId: string, id: string, consistent = false): Promise<SurveySend | undefined> {
    const item = await getItem(keys.surveySend(tenantId, id), consistent);
    return item && stripKeys<SurveySend>(item);
  },

  /** The send a dedupe key created, if any. */
  async byDedupeKey(tenantId: string, dedupeKey: string): Promise<SurveySend | undefined> {
    const guard = await getItem(keys.surveyDedupe(tenantId, dedupeKey), true);
    return guard ? this.get(tenantId, String(guard.sendId), true) : undefined;
  },

  /** One transaction: the send and the guard that makes its dedupe key unique. */
  async create(tenantId: string, s: SurveySend) {
    try {
      await writeWithEvents(
        [
          putNew(sendItem(tenantId, s)),
          putNew({ ...keys.surveyDedupe(tenantId, s.dedupeKey), entity: surveyEntities.dedupeGuard, sendId: s.id }),
        ],
        [],
      );
    } catch (error) {
      if (error instanceof TransactionConflict) throw new SurveyDedupeConflict();
      throw error;
    }
  },

  /** What messaging did with the email. */
  async recordOutcome(tenantId: string, id: string, outcome: SendOutcome, at: string) {
    await db().send(
      new UpdateCommand(update(tenantId, id, 'SET outcome = :o, outcomeAt = :at', 'attribute_exists(PK)', { ':o': outcome, ':at': at })),
    );
  },

  /**
   * Stores the one response a send may have, with its event, in one
   * transaction: the condition refuses a second answer, however close the two.
   */
  async respond(tenantId: string, id: string, response: SurveyResponse, event: DomainEvent) {
    const answer: TransactItem = {
      Update: update(tenantId, id, 'SET #r = :r', 'attribute_exists(PK) AND attribute_not_exists(#r)', { ':r': response }),
    };
    try {
      await writeWithEvents([answer], [event]);
    } catch (error) {
      if (error instanceof TransactionConflict) throw new SurveyAlreadyAnswered();
      throw error;
    }
  },

  /** Notes the timeline entry made for the response; false if one was noted before. */
  async linkActivity(tenantId: string, id: string, activityId: string): Promise<boolean> {
    try {
      await db().send(
        new UpdateCommand(
          update(tenantId, id, 'SET #r.activityId = :a', 'attribute_exists(#r) AND attribute_not_exists(#r.activityId)', {
            ':a': activityId,
          }),
        ),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  },

  /** A contact's survey sends and responses, newest first: one query per page. */
  async listByContact(tenantId: string, contactId: string, limit: number, cursor?: string) {
    const partition = keys.contactSurveyPartition(tenantId, contactId);
    const page = await queryPage(
      {
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
      },
      { limit, cursor, scope: partition },
    );
    return { items: page.items.map((i) => stripKeys<SurveySend>(i)), nextCursor: page.nextCursor };
  },

  /** Removes every survey send of a (deleted) contact with its dedupe guard; safe to repeat. */
  async deleteContactSurveys(tenantId: string, contactId: string) {
    await deleteQueried(
      {
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.contactSurveyPartition(tenantId, contactId) },
      },
      (send) => [keys.surveyDedupe(tenantId, String(send.dedupeKey))],
    );
  },
};
export type SurveyRepository = typeof surveyRepository;
