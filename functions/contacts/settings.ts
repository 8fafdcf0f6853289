import { getItem } from '../../shared/db/query.ts';
import { labelled, put, transact } from '../../shared/db/transact.ts';
import type { PhoneRegion } from '../../shared/domain/normalize.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
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

  /** Replaces the settings and, when something changed, writes contacts.settings_updated in the same transaction. */
  async replace(tenantId: string, settings: ContactSettings, updatedAt: string): Promise<ContactSettings> {
    const before = await this.get(tenantId);
    if (before.defaultRegion === settings.defaultRegion) return settings;
    const event = domainEvent(tenantId, 'contacts.settings_updated', { ...settings, changed: ['defaultRegion'] });
    await transact([labelled('SETTINGS', put(settingsItem(tenantId, { ...settings }, updatedAt)))], [event]);
    return settings;
  },
};
export type ContactSettingsStore = typeof contactSettingsStore;
