import { getItem, stripKeys } from '../../shared/db/query.ts';
import { isWriteConflict, labelled, put, putNew, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
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
export const effectiveSettings = (stored: (SettingsInput & { version: number; updatedAt?: string }) | undefined): MessagingSettings => ({
  ...defaultSettings,
  ...stored,
  quietHours: stored?.quietHours === undefined ? defaultSettings.quietHours : stored.quietHours,
  frequencyCaps: { ...defaultSettings.frequencyCaps, ...stored?.frequencyCaps },
});

export class SettingsChanged extends Error {}

/** A tenant's messaging settings; replace throws SettingsChanged when they moved past `seenVersion`. */
export interface SettingsRepository {
  get(tenantId: string, consistent?: boolean): Promise<MessagingSettings>;
  replace(tenantId: string, input: SettingsInput, seenVersion: number, updatedAt: string, event: DomainEvent): Promise<MessagingSettings>;
}

export const settingsStore = {
  async get(tenantId: string, consistent = false): Promise<MessagingSettings> {
    const item = await getItem(messagingKeys.messagingSettings(tenantId), consistent);
    return effectiveSettings(item && stripKeys(item));
  },

  /** Replaces the tenant's settings if they are still at `seenVersion`, with `event` (messaging.settings_updated) in the same transaction. */
  async replace(
    tenantId: string,
    input: SettingsInput,
    seenVersion: number,
    updatedAt: string,
    event: DomainEvent,
  ): Promise<MessagingSettings> {
    const item = {
      ...messagingKeys.messagingSettings(tenantId),
      entity: messagingEntities.settings,
      ...input,
      version: seenVersion + 1,
      updatedAt,
    };
    const write = seenVersion === 0 ? putNew(item) : put(item, '#v = :v', { '#v': 'version' }, { ':v': seenVersion });
    try {
      await transact([labelled('VERSION', write)], [event]);
    } catch (error) {
      if (isWriteConflict(error)) throw new SettingsChanged();
      throw error;
    }
    return effectiveSettings(stripKeys(item));
  },
} satisfies SettingsRepository;
