import { describe, expect, it } from 'vitest';
import type { Contact } from '../../functions/contacts/api.ts';
import { capCounters, decide, quietUntil } from '../../functions/messaging/policy.ts';
import type { MessagingSettings } from '../../functions/messaging/schemas.ts';
import { defaultSettings } from '../../functions/messaging/settings.ts';
import { instantAt, isoWeek } from '../../shared/domain/zoned-time.ts';

const granted = { granted: true, source: 'test', at: '2026-01-01T00:00:00.000Z' };
const withdrawn = { ...granted, granted: false };

const contact = (over: Partial<Contact> = {}): Contact => ({
  id: '01JABCDEFGHJKMNPQRSTVWXYZ0',
  version: 1,
  email: 'ana@example.com',
  phone: '+33612345678',
  lifecycleStage: 'lead',
  tags: [],
  attributes: {},
  consent: { email: { marketing: granted, surveys: granted }, sms: { marketing: granted } },
  consentHistory: [],
  lastEngagedAt: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const noon = new Date('2026-03-10T12:00:00Z');
const verdict = (over: Partial<Parameters<typeof decide>[0]> = {}) =>
  decide({ channel: 'email', purpose: 'marketing', contact: contact(), suppressed: false, settings: defaultSettings, now: noon, ...over });

describe('consent, suppression and address', () => {
  it('sends marketing only with consent for that channel and purpose', () => {
    expect(verdict().kind).toBe('send');
    expect(verdict({ channel: 'sms', purpose: 'surveys' })).toEqual({ kind: 'skip', reason: 'no-consent' });
    expect(verdict({ contact: contact({ consent: { email: { marketing: withdrawn } } }) })).toEqual({ kind: 'skip', reason: 'no-consent' });
    expect(verdict({ contact: contact({ consent: {} }) })).toEqual({ kind: 'skip', reason: 'no-consent' });
  });

  it('lets transactional messages through without marketing consent, unless the channel was explicitly refused', () => {
    expect(verdict({ purpose: 'transactional', contact: contact({ consent: {} }) })).toEqual({ kind: 'send', caps: [] });
    const stopped = contact({ consent: { sms: { marketing: withdrawn, transactional: { ...withdrawn, source: 'sms-stop' } } } });
    expect(verdict({ channel: 'sms', purpose: 'transactional', contact: stopped })).toEqual({ kind: 'skip', reason: 'no-consent' });
  });

  it('never sends to a suppressed address, whatever the purpose', () => {
    expect(verdict({ suppressed: true })).toEqual({ kind: 'skip', reason: 'suppressed' });
    expect(verdict({ suppressed: true, purpose: 'transactional' })).toEqual({ kind: 'skip', reason: 'suppressed' });
  });

  it('skips a contact without an address on the channel', () => {
    expect(verdict({ channel: 'sms', contact: contact({ phone: undefined }) })).toEqual({ kind: 'skip', reason: 'no-address' });
  });
});

describe('quiet hours in the contact’s time zone (default 21:00–08:00)', () => {
  const quiet = defaultSettings.quietHours;
  const cases: [string, string, string, string | undefined][] = [
    ['Paris, evening: wait for 08:00 CEST next morning', 'Europe/Paris', '2026-06-01T20:30:00Z', '2026-06-02T06:00:00.000Z'],
    ['Paris, early morning: wait until 08:00 the same day', 'Europe/Paris', '2026-06-01T04:00:00Z', '2026-06-01T06:00:00.000Z'],
    ['Paris, daytime: send now', 'Europe/Paris', '2026-06-01T10:00:00Z', undefined],
    ['Tokyo (no DST), 22:00 JST', 'Asia/Tokyo', '2026-06-01T13:00:00Z', '2026-06-01T23:00:00.000Z'],
    ['Kolkata (+05:30), 21:30 IST', 'Asia/Kolkata', '2026-01-10T16:00:00Z', '2026-01-11T02:30:00.000Z'],
    ['Los Angeles, 23:00 PDT', 'America/Los_Angeles', '2026-07-01T06:00:00Z', '2026-07-01T15:00:00.000Z'],
    ['exactly 21:00 is quiet', 'UTC', '2026-06-01T21:00:00Z', '2026-06-02T08:00:00.000Z'],
    ['exactly 08:00 is not', 'UTC', '2026-06-01T08:00:00Z', undefined],
  ];
  it.each(cases)('%s', (_label, zone, now, until) => {
    expect(quietUntil(new Date(now), zone, quiet)?.toISOString()).toBe(until);
  });

  it('ends at 08:00 local on the morning clocks spring forward (a shorter night)', () => {
    // New York, Sat 2026-03-07 23:00 EST; clocks go 02:00 → 03:00 on Sunday, so 08:00 EDT is 12:00Z, not 13:00Z.
    expect(quietUntil(new Date('2026-03-08T04:00:00Z'), 'America/New_York', quiet)?.toISOString()).toBe('2026-03-08T12:00:00.000Z');
    // Paris, Sat 2026-03-28 23:30 CET; 08:00 CEST on Sunday is 06:00Z.
    expect(quietUntil(new Date('2026-03-28T22:30:00Z'), 'Europe/Paris', quiet)?.toISOString()).toBe('2026-03-29T06:00:00.000Z');
  });

  it('ends at 08:00 local on the morning clocks fall back (a longer night)', () => {
    // New York, Sat 2026-10-31 22:00 EDT; 08:00 EST on Sunday is 13:00Z.
    expect(quietUntil(new Date('2026-11-01T02:00:00Z'), 'America/New_York', quiet)?.toISOString()).toBe('2026-11-01T13:00:00.000Z');
    // Still quiet at 07:30 EST after the repeated hour.
    expect(quietUntil(new Date('2026-11-01T12:30:00Z'), 'America/New_York', quiet)?.toISOString()).toBe('2026-11-01T13:00:00.000Z');
  });

  it('uses the tenant’s zone for contacts without one, and tenant-set windows', () => {
    const settings: MessagingSettings = { ...defaultSettings, timeZone: 'Asia/Tokyo', quietHours: { start: '12:00', end: '14:00' } };
    // 12:00Z is 21:00 in Tokyo: outside a 12:00–14:00 window.
    expect(verdict({ settings }).kind).toBe('send');
    const lunch = verdict({ settings, now: new Date('2026-03-10T03:30:00Z') }); // 12:30 JST
    expect(lunch).toEqual({ kind: 'defer', until: new Date('2026-03-10T05:00:00Z') });
    expect(verdict({ settings: { ...defaultSettings, quietHours: null }, now: new Date('2026-03-10T23:00:00Z') }).kind).toBe('send');
  });

  it('defers marketing and surveys but never transactional messages', () => {
    const night = { now: new Date('2026-03-10T23:00:00Z'), contact: contact({ timeZone: 'UTC' }) };
    expect(verdict(night)).toEqual({ kind: 'defer', until: new Date('2026-03-11T08:00:00Z') });
    expect(verdict({ ...night, purpose: 'surveys' }).kind).toBe('defer');
    expect(verdict({ ...night, purpose: 'transactional' })).toEqual({ kind: 'send', caps: [] });
  });
});

describe('frequency caps', () => {
  it('counts per day and ISO week of the contact’s zone', () => {
    // 20:00Z on Sunday 2026-06-07 is already Monday 05:00 in Tokyo: a new day and a new week there.
    const now = new Date('2026-06-07T20:00:00Z');
    expect(capCounters('marketing', 'Asia/Tokyo', now, defaultSettings)).toEqual([
      { bucket: 'D2026-06-08', limit: 1 },
      { bucket: '2026-W24', limit: 3 },
    ]);
    expect(capCounters('marketing', 'UTC', now, defaultSettings)).toEqual([
      { bucket: 'D2026-06-07', limit: 1 },
      { bucket: '2026-W23', limit: 3 },
    ]);
  });

  it('leaves out unlimited caps and never caps transactional messages', () => {
    const settings: MessagingSettings = {
      ...defaultSettings,
      frequencyCaps: { ...defaultSettings.frequencyCaps, surveys: { perDay: null, perWeek: 2 } },
    };
    expect(capCounters('surveys', 'UTC', noon, settings)).toEqual([{ bucket: '2026-W11', limit: 2 }]);
    expect(capCounters('transactional', 'UTC', noon, settings)).toEqual([]);
  });

  it('numbers ISO weeks across year ends', () => {
    expect(isoWeek({ year: 2026, month: 1, day: 1 })).toBe('2026-W01');
    expect(isoWeek({ year: 2027, month: 1, day: 1 })).toBe('2026-W53');
    expect(isoWeek({ year: 2024, month: 12, day: 30 })).toBe('2025-W01');
  });
});

describe('wall time to instant', () => {
  it('moves a time skipped by spring-forward past the gap and takes the first of a repeated time', () => {
    expect(instantAt({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(instantAt({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/New_York').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(instantAt({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Paris').toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });
});
