import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/db/client.ts';
import { keys } from '../../shared/db/keys.ts';
import { getItem } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import type { PhoneRegion } from '../../shared/domain/normalize.ts';

/** A tenant's contact settings; a tenant that never set them has none of them. */
export interface ContactSettings {
  /** The region national phone numbers (without +country code) are read in, on writes and in search. */
  defaultRegion?: PhoneRegion;
}

export const contactSettingsStore = {
  async get(tenantId: string): Promise<ContactSettings> {
    const item = await getItem(keys.contactSettings(tenantId));
    return item?.defaultRegion ? { defaultRegion: item.defaultRegion as PhoneRegion } : {};
  },

  async replace(tenantId: string, settings: ContactSettings, updatedAt: string): Promise<ContactSettings> {
    await db().send(
      new PutCommand({
        TableName: tableNameFromEnv(),
        Item: { ...keys.contactSettings(tenantId), entity: 'CONTACT_SETTINGS', ...settings, updatedAt },
      }),
    );
    return settings;
  },
};
export type ContactSettingsStore = typeof contactSettingsStore;
