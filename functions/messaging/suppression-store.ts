import { getItem, queryPage, stripKeys } from '../../shared/db/query.ts';
import { isWriteConflict, labelled, put, putNew, remove as removeItem, transact } from '../../shared/db/transact.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import { messagingEntities, messagingKeys } from './items.ts';
import type { SendChannel, Suppression } from './schemas.ts';

const suppressionItem = (tenantId: string, s: Suppression) => ({
  ...messagingKeys.suppression(tenantId, s.channel, s.address),
  entity: messagingEntities.suppression,
  ...s,
});

/** The suppression item, for a transaction that suppresses as part of a larger change (a hard bounce). */
export const suppressionPut = (tenantId: string, s: Suppression) => put(suppressionItem(tenantId, s));

/** suppression.added for `s`, written in the transaction that lists it. */
export const suppressionAdded = (tenantId: string, s: Suppression) =>
  domainEvent(tenantId, 'suppression.added', { channel: s.channel, address: s.address, reason: s.reason, messageId: s.messageId });

/** The suppression list; every change writes its suppression.* event in the same transaction. */
export interface SuppressionRepository {
  has(tenantId: string, channel: SendChannel, address: string): Promise<boolean>;
  get(tenantId: string, channel: SendChannel, address: string): Promise<Suppression | undefined>;
  add(tenantId: string, s: Suppression): Promise<{ entry: Suppression; created: boolean }>;
  remove(tenantId: string, channel: SendChannel, address: string): Promise<boolean>;
  list(
    tenantId: string,
    channel: SendChannel | undefined,
    limit: number,
    cursor?: string,
  ): Promise<{ items: Suppression[]; nextCursor?: string }>;
}

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

  /** Adds the address with suppression.added; one already listed keeps its first entry. Answers the stored entry. */
  async add(tenantId: string, s: Suppression): Promise<{ entry: Suppression; created: boolean }> {
    try {
      await transact([labelled('LISTED', putNew(suppressionItem(tenantId, s)))], [suppressionAdded(tenantId, s)]);
      return { entry: s, created: true };
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
      return { entry: (await this.get(tenantId, s.channel, s.address)) ?? s, created: false };
    }
  },

  /** Takes the address off the list with suppression.removed; false when it was not on it. */
  async remove(tenantId: string, channel: SendChannel, address: string): Promise<boolean> {
    try {
      await transact(
        [labelled('LISTED', removeItem(messagingKeys.suppression(tenantId, channel, address), 'attribute_exists(PK)'))],
        [domainEvent(tenantId, 'suppression.removed', { channel, address })],
      );
      return true;
    } catch (error) {
      if (isWriteConflict(error)) return false;
      throw error;
    }
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
} satisfies SuppressionRepository;
