import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { db } from '../db/client.ts';
import { isConditionFailed } from '../db/errors.ts';
import { kernelEntities, keys } from '../db/keys.ts';
import { tableNameFromEnv } from '../db/table.ts';
import { clock } from '../ports/clock.ts';
import { Problem } from './problem.ts';

const keyPattern = /^[\x21-\x7e]{1,255}$/;
const retentionSeconds = 24 * 3600;

type Stored = APIGatewayProxyStructuredResultV2;

/**
 * Idempotency-Key on POST: the first request claims the key with a conditional
 * put; a retry with the same key and body gets the stored first response, a
 * reuse with another body gets 422, and a retry racing the first gets 409.
 */
export const claimIdempotencyKey = async (tenantId: string, key: string, op: string, body: string): Promise<Stored | undefined> => {
  if (!keyPattern.test(key)) {
    throw new Problem(400, 'Invalid Idempotency-Key', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
  }
  const fingerprint = createHash('sha256').update(`${op}\n${body}`).digest('base64url');
  const now = clock().now();
  try {
    await db().send(
      new PutCommand({
        TableName: tableNameFromEnv(),
        Item: {
          ...keys.idempotency(tenantId, key),
          entity: kernelEntities.idempotency,
          state: 'IN_PROGRESS',
          fingerprint,
          createdAt: now.toISOString(),
          expiresAt: Math.floor(now.getTime() / 1000) + retentionSeconds,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return undefined;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  const { Item } = await db().send(
    new GetCommand({ TableName: tableNameFromEnv(), Key: keys.idempotency(tenantId, key), ConsistentRead: true }),
  );
  if (!Item) throw new Problem(409, 'Request in progress', 'a request with this Idempotency-Key is still being processed; retry shortly');
  if (Item.fingerprint !== fingerprint) {
    throw new Problem(422, 'Idempotency-Key reused', 'this Idempotency-Key was used with a different request');
  }
  if (Item.state !== 'COMPLETED')
    throw new Problem(409, 'Request in progress', 'a request with this Idempotency-Key is still being processed; retry shortly');
  const stored = Item.response as Stored;
  return { ...stored, headers: { ...stored.headers, 'idempotent-replayed': 'true' } };
};

export const completeIdempotencyKey = async (tenantId: string, key: string, response: Stored) => {
  await db().send(
    new UpdateCommand({
      TableName: tableNameFromEnv(),
      Key: keys.idempotency(tenantId, key),
      UpdateExpression: 'SET #state = :completed, #response = :response',
      ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
      ExpressionAttributeValues: { ':completed': 'COMPLETED', ':response': response },
    }),
  );
};

/** A failed request releases its key so the client may retry it. */
export const releaseIdempotencyKey = async (tenantId: string, key: string) => {
  await db().send(new DeleteCommand({ TableName: tableNameFromEnv(), Key: keys.idempotency(tenantId, key) }));
};
