import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/db/client.ts';
import { getItem } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import type { PhoneRegion } from '../../shared/domain/normalize.ts';
import { contactKeys, settingsItem } from './items.ts';

/** A tenant's contact settings; a tenant that never set them has none of them. */
export interface ContactSettings {
  /** The region national phone numbers (without +country code) are read in, on writes and in search. */
  defaultRegion?: PhoneRegion;
}

export const contactSettingsStore = {
  async get(tenantId: string): Promise<ContactSettings> {
    const item = await getItem(contactKeys.settings(tenantId));
    return item?.defaultRegion ? { defaultRegion: item.defaultRegion as PhoneRegion } : {};
  },

  async replace(tenantId: string, settings: ContactSettings, updatedAt: string): Promise<ContactSettings> {
    await db().send(
      new PutCommand({
        TableName: tableNameFromEnv(),
        Item: settingsItem(tenantId, { ...settings }, updatedAt),
      }),
    );
    return settings;
  },
};
export type ContactSettingsStore = typeof contactSettingsStore;
