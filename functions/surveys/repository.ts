import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { deleteQueried } from '../../shared/db/batch.ts';
import { db } from '../../shared/db/client.ts';
import { dedupeGuard } from '../../shared/db/dedupe-guard.ts';
import { isConditionFailed } from '../../shared/db/errors.ts';
import { getItem, listPage, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { labelled, putNew, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import type { SendOutcome } from '../messaging/api.ts';
import { surveyEntities, surveyKeys } from './items.ts';
import type { SurveyResponse, SurveySend } from './schemas.ts';

/**
 * Why a survey write was refused: `DEDUPE`, another send already holds the
 * dedupe key; `SEND`, the send id is taken; `ANSWERED`, the send was answered
 * before (or no longer exists).
 */
export type SurveyConflict = 'DEDUPE' | 'SEND' | 'ANSWERED';

/** DynamoDB access for survey sends and their responses. */
export interface SurveyRepository {
  get(tenantId: string, id: string, consistent?: boolean): Promise<SurveySend | undefined>;
  /** The send a dedupe key created, if any (strongly consistent). */
  byDedupeKey(tenantId: string, dedupeKey: string): Promise<SurveySend | undefined>;
  /** Stores a new send with its dedupe guard; WriteConflict `DEDUPE` when the key already created a send. */
  create(tenantId: string, send: SurveySend): Promise<void>;
  /** What messaging did with the email. */
  recordOutcome(tenantId: string, id: string, outcome: SendOutcome, at: string): Promise<void>;
  /** Stores the one response with its event; WriteConflict `ANSWERED` when the send was answered before or is gone. */
  respond(tenantId: string, id: string, response: SurveyResponse, event: DomainEvent): Promise<void>;
  /** Notes the timeline entry made for the response; false if one was noted before. */
  linkActivity(tenantId: string, id: string, activityId: string): Promise<boolean>;
  /** A contact's sends, newest first. */
  listByContact(tenantId: string, contactId: string, limit: number, cursor?: string): Promise<{ items: SurveySend[]; nextCursor?: string }>;
  /** Removes every send of a contact with its dedupe guard; safe to repeat. */
  deleteContactSurveys(tenantId: string, contactId: string): Promise<void>;
}

const dedupe = dedupeGuard(surveyEntities.dedupeGuard, 'sendId');

const sendItem = (tenantId: string, s: SurveySend) => ({
  ...surveyKeys.surveySend(tenantId, s.id),
  ...surveyKeys.contactSurvey(tenantId, s.contactId, s.id),
  entity: surveyEntities.send,
  ...s,
});

/** An update of a send that bumps its version; `#r` names its response. */
const update = (tenantId: string, id: string, expression: string, condition: string, values: Record<string, unknown>) => ({
  TableName: tableNameFromEnv(),
  Key: surveyKeys.surveySend(tenantId, id),
  UpdateExpression: `${expression}, #v = #v + :one`,
  ConditionExpression: condition,
  ExpressionAttributeNames: { '#v': 'version', ...(`${expression} ${condition}`.includes('#r') ? { '#r': 'response' } : {}) },
  ExpressionAttributeValues: { ...values, ':one': 1 },
});

export const surveyRepository: SurveyRepository = {
  async get(tenantId: string, id: string, consistent = false): Promise<SurveySend | undefined> {
    const item = await getItem(surveyKeys.surveySend(tenantId, id), consistent);
    return item && stripKeys<SurveySend>(item);
  },

  /** The send a dedupe key created, if any. */
  async byDedupeKey(tenantId: string, dedupeKey: string): Promise<SurveySend | undefined> {
    const sendId = await dedupe.createdBy(surveyKeys.surveyDedupe(tenantId, dedupeKey));
    return sendId ? this.get(tenantId, sendId, true) : undefined;
  },

  /** One transaction: the send and the guard that makes its dedupe key unique; WriteConflict `DEDUPE` when the key is taken. */
  async create(tenantId: string, s: SurveySend): Promise<void> {
    await transact<SurveyConflict>([
      labelled('SEND', putNew(sendItem(tenantId, s))),
      dedupe.claim(surveyKeys.surveyDedupe(tenantId, s.dedupeKey), s.id),
    ]);
  },

  /** What messaging did with the email. */
  async recordOutcome(tenantId: string, id: string, outcome: SendOutcome, at: string): Promise<void> {
    await db().send(
      new UpdateCommand(update(tenantId, id, 'SET outcome = :o, outcomeAt = :at', 'attribute_exists(PK)', { ':o': outcome, ':at': at })),
    );
  },

  /**
   * Stores the one response a send may have, with its event, in one
   * transaction: the condition refuses a second answer, however close the two
   * (WriteConflict `ANSWERED`).
   */
  async respond(tenantId: string, id: string, response: SurveyResponse, event: DomainEvent): Promise<void> {
    await transact<SurveyConflict>(
      [
        labelled('ANSWERED', {
          Update: update(tenantId, id, 'SET #r = :r', 'attribute_exists(PK) AND attribute_not_exists(#r)', { ':r': response }),
        }),
      ],
      [event],
    );
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
      if (isConditionFailed(error)) return false;
      throw error;
    }
  },

  /** A contact's survey sends and responses, newest first: one query per page. */
  listByContact: (
    tenantId: string,
    contactId: string,
    limit: number,
    cursor?: string,
  ): Promise<{ items: SurveySend[]; nextCursor?: string }> =>
    listPage<SurveySend>(
      { index: 'GSI1', partition: surveyKeys.contactSurveyPartition(tenantId, contactId), newestFirst: true },
      { limit, cursor },
    ),

  /** Removes every survey send of a (deleted) contact with its dedupe guard; safe to repeat. */
  async deleteContactSurveys(tenantId: string, contactId: string): Promise<void> {
    await deleteQueried(
      {
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': surveyKeys.contactSurveyPartition(tenantId, contactId) },
      },
      (send) => [surveyKeys.surveyDedupe(tenantId, String(send.dedupeKey))],
    );
  },
};
