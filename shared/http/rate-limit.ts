import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../db/client.ts';
import { isConditionFailed } from '../db/errors.ts';
import { tableNameFromEnv } from '../db/table.ts';
import { Reply } from './reply.ts';

/** Public routes count requests in fixed windows of one minute. */
export const rateWindowMs = 60_000;

/** Counts one request in a window: false when it already holds `limit` (the counter expires at `expiresAt`, epoch seconds). */
export type CountHit = (scope: string, window: number, limit: number, expiresAt: number) => Promise<boolean>;

/** One limit of a request: its counter's scope (`FORM`, `IP#1.2.3.4`), the most a window may hold, what a 429 says. */
export interface RateLimit {
  scope: string;
  limit: number;
  detail: string;
}

export const tooManyRequests = (retryAfter: number, detail: string) =>
  new Reply(
    429,
    JSON.stringify({ type: 'https://rapport.dev/problems/too-many-requests', title: 'Too many requests', status: 429, detail }),
    { 'content-type': 'application/problem+json', 'retry-after': String(retryAfter) },
  );

/**
 * Counts the request against each limit in order, in the window of
 * `windowMs` that `now` falls in; the first one full says why and the seconds
 * to the next window. Undefined when every limit had room.
 */
export const overLimit = async (
  now: Date,
  limits: RateLimit[],
  count: CountHit,
  windowMs = rateWindowMs,
): Promise<{ retryAfter: number; detail: string } | undefined> => {
  const at = now.getTime();
  const window = Math.floor(at / windowMs);
  const retryAfter = Math.max(1, Math.ceil(((window + 1) * windowMs - at) / 1000));
  const expiresAt = Math.floor(((window + 2) * windowMs) / 1000);
  for (const { scope, limit, detail } of limits) if (!(await count(scope, window, limit, expiresAt))) return { retryAfter, detail };
  return undefined;
};

/** overLimit answered as a 429 problem+json with Retry-After. */
export const rateLimited = async (now: Date, limits: RateLimit[], count: CountHit): Promise<Reply | undefined> => {
  const over = await overLimit(now, limits, count);
  return over && tooManyRequests(over.retryAfter, over.detail);
};

/** The two limits of a public form: per client IP, then per form. */
export const formLimits = (ip: string, rateLimit: { perMinute: number; perIpPerMinute: number }): RateLimit[] => [
  {
    scope: `IP#${ip}`,
    limit: rateLimit.perIpPerMinute,
    detail: `at most ${rateLimit.perIpPerMinute} submissions a minute from one address`,
  },
  { scope: 'FORM', limit: rateLimit.perMinute, detail: `at most ${rateLimit.perMinute} submissions a minute to this form` },
];

/**
 * The DynamoDB counter of one window: a conditional UpdateItem ADD on the
 * item at `key`, refused once it holds `limit`; TTL removes it after its window.
 */
export const countWindowHit = async (key: { PK: string; SK: string }, entity: string, limit: number, expiresAt: number) => {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableNameFromEnv(),
        Key: key,
        UpdateExpression: 'SET #e = :e, expiresAt = if_not_exists(expiresAt, :x) ADD hits :one',
        ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
        ExpressionAttributeNames: { '#e': 'entity' },
        ExpressionAttributeValues: { ':e': entity, ':x': expiresAt, ':one': 1, ':limit': limit },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
};
