import { describe, expect, it } from 'vitest';
import { nextBusinessDay } from '../../functions/tasks/business-day.ts';

const next = (from: string, timeZone?: string, at?: string) => nextBusinessDay(new Date(from), timeZone, at).toISOString();

/** What a clock in the zone shows at an instant, e.g. "Mon 09:00". */
const wallClock = (instant: Date, format: Intl.DateTimeFormat) => format.format(instant).replace(',', '');

/** Midnight UTC of the calendar day the zone's clocks show at an instant. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();
const dayNumber = (instant: Date, timeZone: string) => {
  if (!dayFormats.has(timeZone))
    dayFormats.set(timeZone, new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }));
  const [m, d, y] = dayFormats.get(timeZone)!.format(instant).split('/').map(Number);
  return Date.UTC(y!, m! - 1, d!);
};

describe('nextBusinessDay', () => {
  it('gives the next day at 09:00 from Monday to Thursday (UTC by default)', () => {
    expect(next('2026-03-02T15:00:00Z')).toBe('2026-03-03T09:00:00.000Z'); // Mon → Tue
    expect(next('2026-03-05T00:00:00Z')).toBe('2026-03-06T09:00:00.000Z'); // Thu → Fri
    expect(next('2026-03-02T08:00:00Z')).toBe('2026-03-03T09:00:00.000Z'); // before 09:00 still means tomorrow
  });

  it('moves Friday, Saturday and Sunday to Monday', () => {
    expect(next('2026-03-06T10:00:00Z')).toBe('2026-03-09T09:00:00.000Z');
    expect(next('2026-03-07T23:59:59Z')).toBe('2026-03-09T09:00:00.000Z');
    expect(next('2026-03-08T00:00:00Z')).toBe('2026-03-09T09:00:00.000Z');
  });

  it('reads the day in the contact’s time zone, not UTC', () => {
    // Thursday 23:30 UTC is already Friday morning in Tokyo → Monday 09:00 JST
    expect(next('2026-03-05T23:30:00Z', 'Asia/Tokyo')).toBe('2026-03-09T00:00:00.000Z');
    // Friday 03:00 UTC is still Thursday evening in New York → Friday 09:00 EST
    expect(next('2026-03-06T03:00:00Z', 'America/New_York')).toBe('2026-03-06T14:00:00.000Z');
    // Friday 11:00 UTC is already Saturday in Kiritimati (UTC+14) → Monday
    expect(next('2026-03-06T11:00:00Z', 'Pacific/Kiritimati')).toBe('2026-03-08T19:00:00.000Z');
  });

  it('keeps 09:00 local across daylight-saving changes', () => {
    // New York springs forward on Sunday 8 March 2026: Friday EST → Monday 09:00 EDT
    expect(next('2026-03-06T15:00:00Z', 'America/New_York')).toBe('2026-03-09T13:00:00.000Z');
    // and falls back on Sunday 1 November: Friday EDT → Monday 09:00 EST
    expect(next('2026-10-30T15:00:00Z', 'America/New_York')).toBe('2026-11-02T14:00:00.000Z');
    // Paris changes on Sunday 29 March: Monday 09:00 CEST
    expect(next('2026-03-27T09:00:00Z', 'Europe/Paris')).toBe('2026-03-30T07:00:00.000Z');
    // Sydney leaves summer time on Sunday 5 April: Monday 09:00 AEST (+10), which is Sunday in UTC
    expect(next('2026-04-03T01:00:00Z', 'Australia/Sydney')).toBe('2026-04-05T23:00:00.000Z');
  });

  it('handles zones with half- and quarter-hour offsets', () => {
    expect(next('2026-03-02T12:00:00Z', 'Asia/Kolkata')).toBe('2026-03-03T03:30:00.000Z');
    expect(next('2026-03-02T12:00:00Z', 'Pacific/Chatham')).toBe('2026-03-03T19:15:00.000Z'); // Tue 09:00 +13:45 is Mon 19:15 UTC
  });

  it('resolves a time the clocks skip or repeat on a business day', () => {
    // Cairo skipped 00:00–01:00 on Friday 28 April 2023: 00:30 becomes 01:30 EEST
    expect(next('2023-04-27T08:00:00Z', 'Africa/Cairo', '00:30')).toBe('2023-04-27T22:30:00.000Z');
    // and showed 23:00–24:00 twice on Thursday 26 October 2023: 23:30 is its first time, still EEST (+3)
    expect(next('2023-10-25T08:00:00Z', 'Africa/Cairo', '23:30')).toBe('2023-10-26T20:30:00.000Z');
  });

  it('takes another time of day', () => {
    expect(next('2026-03-02T12:00:00Z', 'Europe/Paris', '14:30')).toBe('2026-03-03T13:30:00.000Z');
  });

  it('refuses a malformed time or an unknown zone', () => {
    expect(() => next('2026-03-02T12:00:00Z', 'UTC', '9am')).toThrow(RangeError);
    expect(() => next('2026-03-02T12:00:00Z', 'UTC', '24:00')).toThrow(RangeError);
    expect(() => next('2026-03-02T12:00:00Z', 'Mars/Olympus')).toThrow(RangeError);
  });

  it('always lands on a weekday at 09:00 local, one to three days after, over a whole year', () => {
    const zones = [
      'UTC',
      'America/New_York',
      'America/Los_Angeles',
      'Europe/London',
      'Europe/Paris',
      'Australia/Sydney',
      'Asia/Kolkata',
      'Pacific/Auckland',
      'America/Sao_Paulo',
    ];
    for (const zone of zones) {
      const format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
      for (let hour = 0; hour < 366 * 24; hour += 11) {
        const from = new Date(Date.UTC(2026, 0, 1, hour));
        const due = nextBusinessDay(from, zone);
        const shown = wallClock(due, format);
        expect(shown, `${zone} from ${from.toISOString()}`).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
        const days = (dayNumber(due, zone) - dayNumber(from, zone)) / 86_400_000;
        const fromDay = new Date(dayNumber(from, zone)).getUTCDay();
        expect(days, `${zone} from ${from.toISOString()}`).toBe(fromDay === 5 ? 3 : fromDay === 6 ? 2 : 1);
      }
    }
  });
});
