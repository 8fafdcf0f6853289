import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/db/client.ts';
import { getItem, queryPage, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { put } from '../../shared/db/transact.ts';
import { messagingEntities, messagingKeys } from './items.ts';
import type { SendChannel, Suppression } from './schemas.ts';

/** The suppression item, for a transaction that suppresses as part of a larger change (a hard bounce). */
export const suppressionPut = (tenantId: string, s: Suppression) =>
  put({ ...messagingKeys.suppression(tenantId, s.channel, s.address), entity: messagingEntities.suppression, ...s });

/**
 * Addresses the tenant must not send to, per channel: normalised email or
 * E.164 phone, as contacts store them. Checked before every send.
 */
export const suppressionStore = {
  async has(tenantId: string, channel: SendChannel, address: string): Promise<boolean> {
    return Boolean(await getItem(messagingKeys.suppression(tenantId, channel, address)));
  },

  async get(tenantId: string, channel: SendChannel, address: string): Promise<Suppression | undefined> {
    const item = await getItem(messagingKeys.suppression(tenantId, channel, address), true);
    return item && stripKeys<Suppression>(item);
  },

  /** Adds the address; one already listed keeps its first entry. Answers the stored entry. */
  async add(tenantId: string, s: Suppression): Promise<{ entry: Suppression; created: boolean }> {
    try {
      await db().send(new PutCommand({ ...suppressionPut(tenantId, s).Put!, ConditionExpression: 'attribute_not_exists(PK)' }));
      return { entry: s, created: true };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return { entry: (await this.get(tenantId, s.channel, s.address)) ?? s, created: false };
    }
  },

  /** Takes the address off the list; false when it was not on it. */
  async remove(tenantId: string, channel: SendChannel, address: string): Promise<boolean> {
    const out = await db().send(
      new DeleteCommand({
        TableName: tableNameFromEnv(),
        Key: messagingKeys.suppression(tenantId, channel, address),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Boolean(out.Attributes);
  },

  async list(tenantId: string, channel: SendChannel | undefined, limit: number, cursor?: string) {
    const partition = messagingKeys.suppressionPartition(tenantId);
    const page = await queryPage(
      channel
        ? {
            KeyConditionExpression: 'PK = :pk AND begins_with(SK, :channel)',
            ExpressionAttributeValues: { ':pk': partition, ':channel': `${channel}#` },
          }
        : { KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': partition } },
      { limit, cursor, scope: `${partition}|${channel ?? ''}` },
    );
    return { items: page.items.map((i) => stripKeys<Suppression>(i)), nextCursor: page.nextCursor };
  },
};
