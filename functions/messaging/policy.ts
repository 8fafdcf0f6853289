import { instantAt, isoDay, isoWeek, minutesOf, nextDay, wallTime } from '../../shared/domain/zoned-time.ts';
import type { Contact } from '../contacts/api.ts';
import type { MessagingSettings, Purpose, SendChannel, SkipReason } from './schemas.ts';

/**
 * The contact-pressure policy every sender goes through: address, consent,
 * suppression, quiet hours, then frequency caps. Pure, so it is tested
 * without AWS; the caps it returns are enforced by conditional counter
 * updates in the same transaction that claims the message.
 */

/** A counter a send must stay under: messages of a purpose to a contact in one day or ISO week of their zone. */
export interface CapCounter {
  bucket: string;
  limit: number;
}

export type Verdict =
  | { kind: 'send'; caps: CapCounter[] }
  | { kind: 'skip'; reason: Extract<SkipReason, 'no-address' | 'no-consent' | 'suppressed'> }
  | { kind: 'defer'; until: Date };

export interface PolicyInput {
  channel: SendChannel;
  purpose: Purpose;
  contact: Contact;
  /** Whether the contact's address for the channel is on the tenant's suppression list. */
  suppressed: boolean;
  settings: MessagingSettings;
  now: Date;
}

export const addressOf = (contact: Contact, channel: SendChannel) => (channel === 'email' ? contact.email : contact.phone);

export const zoneOf = (contact: Contact, settings: MessagingSettings) => contact.timeZone ?? settings.timeZone;

/**
 * Marketing and surveys need the contact's consent for that channel and
 * purpose. Transactional messages need none, unless the contact explicitly
 * withdrew it for the channel (an SMS STOP withdraws every purpose).
 */
export const hasConsent = (contact: Contact, channel: SendChannel, purpose: Purpose) => {
  const granted = contact.consent[channel]?.[purpose]?.granted;
  return purpose === 'transactional' ? granted !== false : granted === true;
};

/** When the quiet hours holding `now` end in `timeZone`, or undefined outside them. */
export const quietUntil = (now: Date, timeZone: string, quiet: MessagingSettings['quietHours']): Date | undefined => {
  if (!quiet) return undefined;
  const [start, end] = [minutesOf(quiet.start), minutesOf(quiet.end)];
  if (start === end) return undefined;
  const wall = wallTime(now, timeZone);
  const minute = wall.hour * 60 + wall.minute;
  const wraps = start > end; // 21:00–08:00 spans midnight
  const inside = wraps ? minute >= start || minute < end : minute >= start && minute < end;
  if (!inside) return undefined;
  const endDay = wraps && minute >= start ? nextDay(wall) : wall;
  return instantAt({ ...endDay, hour: Math.floor(end / 60), minute: end % 60 }, timeZone);
};

export const capCounters = (purpose: Purpose, timeZone: string, now: Date, settings: MessagingSettings): CapCounter[] => {
  if (purpose === 'transactional') return [];
  const cap = settings.frequencyCaps[purpose];
  const day = wallTime(now, timeZone);
  return [
    ...(cap.perDay === null ? [] : [{ bucket: `D${isoDay(day)}`, limit: cap.perDay }]),
    ...(cap.perWeek === null ? [] : [{ bucket: isoWeek(day), limit: cap.perWeek }]),
  ];
};

export const decide = ({ channel, purpose, contact, suppressed, settings, now }: PolicyInput): Verdict => {
  if (!addressOf(contact, channel)) return { kind: 'skip', reason: 'no-address' };
  if (!hasConsent(contact, channel, purpose)) return { kind: 'skip', reason: 'no-consent' };
  if (suppressed) return { kind: 'skip', reason: 'suppressed' };
  if (purpose === 'transactional') return { kind: 'send', caps: [] };
  const zone = zoneOf(contact, settings);
  const until = quietUntil(now, zone, settings.quietHours);
  if (until) return { kind: 'defer', until };
  return { kind: 'send', caps: capCounters(purpose, zone, now, settings) };
};
