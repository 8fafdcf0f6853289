import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/db/client.ts';
import { getItem, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { messagingEntities, messagingKeys } from './items.ts';
import type { MessagingSettings, SettingsInput } from './schemas.ts';

/** What a tenant gets until it says otherwise. */
export const defaultSettings: MessagingSettings = {
  timeZone: 'UTC',
  quietHours: { start: '21:00', end: '08:00' },
  frequencyCaps: {
    marketing: { perDay: 1, perWeek: 3 },
    surveys: { perDay: 1, perWeek: 3 },
  },
  version: 0,
};

/** Stored choices over the defaults; a field left out of the stored settings takes the default. */
const effectiveSettings = (stored: (SettingsInput & { version: number; updatedAt?: string }) | undefined): MessagingSettings => ({
  ...defaultSettings,
  ...stored,
  quietHours: stored?.quietHours === undefined ? defaultSettings.quietHours : stored.quietHours,
  frequencyCaps: { ...defaultSettings.frequencyCaps, ...stored?.frequencyCaps },
});

export class SettingsChanged extends Error {}

export const settingsStore = {
  async get(tenantId: string, consistent = false): Promise<MessagingSettings> {
    const item = await getItem(messagingKeys.messagingSettings(tenantId), consistent);
    return effectiveSettings(item && stripKeys(item));
  },

  /** Replaces the tenant's settings if they are still at `seenVersion`. */
  async replace(tenantId: string, input: SettingsInput, seenVersion: number, updatedAt: string): Promise<MessagingSettings> {
    const item = {
      ...messagingKeys.messagingSettings(tenantId),
      entity: messagingEntities.settings,
      ...input,
      version: seenVersion + 1,
      updatedAt,
    };
    const first = seenVersion === 0;
    try {
      await db().send(
        new PutCommand({
          TableName: tableNameFromEnv(),
          Item: item,
          ConditionExpression: first ? 'attribute_not_exists(PK)' : '#v = :v',
          ExpressionAttributeNames: first ? undefined : { '#v': 'version' },
          ExpressionAttributeValues: first ? undefined : { ':v': seenVersion },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') throw new SettingsChanged();
      throw error;
    }
    return effectiveSettings(stripKeys(item));
  },
};
