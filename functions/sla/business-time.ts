import { instantAt, isoDay, minutesOf, nextDay, type WallTime, wallTime, weekdayOf } from '../../shared/domain/zoned-time.ts';

/** Weekday keys, indexed as Date#getUTCDay (0 = Sunday). */
export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof weekdays)[number];

/** Open from `start` to `end`, wall-clock "HH:MM" in the calendar's zone; `end` may be "24:00". */
export interface Interval {
  start: string;
  end: string;
}

/** A closed day; with `hours`, the day is open only in those (a half day) instead of its weekly hours. */
export interface Holiday {
  date: string;
  name?: string;
  hours?: Interval[];
}

/** What the math needs of a business-hours calendar. */
export interface BusinessCalendar {
  timeZone: string;
  weekly: Partial<Record<Weekday, Interval[]>>;
  holidays: Holiday[];
}

/**
 * A way of measuring SLA time: business hours of a calendar, or calendar time
 * (every minute counts). Both move and measure in real elapsed milliseconds,
 * so a business hour across a DST change is sixty real minutes.
 */
export interface TimeMeasure {
  /** The instant when `ms` of counted time have passed after `start`. */
  addMs(start: Date, ms: number): Date;
  /** Counted time between two instants, in ms (0 when `to` is not after `from`). */
  msBetween(from: Date, to: Date): number;
}

export const minuteMs = 60_000;

/** Calendar time: the clock never stops. */
export const calendarTime: TimeMeasure = {
  addMs: (start, ms) => new Date(start.getTime() + Math.max(0, ms)),
  msBetween: (from, to) => Math.max(0, to.getTime() - from.getTime()),
};

/** Far beyond any target the policies accept (30 days of business minutes on one hour a week is about 14 years). */
const searchDays = 366 * 20;

type Day = Pick<WallTime, 'year' | 'month' | 'day'>;

const dayOf = (instant: Date, timeZone: string): WallTime => ({ ...wallTime(instant, timeZone), hour: 0, minute: 0 });

/** The instant the calendar's clocks show `hhmm` on `day` ("24:00" is the next day's midnight). */
const instantOn = (day: WallTime, hhmm: string, timeZone: string) => {
  const minutes = minutesOf(hhmm);
  const wall = minutes >= 1440 ? nextDay(day) : { ...day, hour: Math.floor(minutes / 60), minute: minutes % 60 };
  return instantAt(wall, timeZone).getTime();
};

interface Prepared {
  holidays: Map<string, Holiday>;
  /** Open windows by day, computed once per calendar object: Intl lookups are the cost of the math. */
  windows: Map<string, [number, number][]>;
}
const prepared = new WeakMap<BusinessCalendar, Prepared>();
const prepare = (calendar: BusinessCalendar) => {
  let p = prepared.get(calendar);
  if (!p) prepared.set(calendar, (p = { holidays: new Map(calendar.holidays.map((h) => [h.date, h])), windows: new Map() }));
  return p;
};
const windowCacheDays = 4000;

/** The open hours of a day, as the instants [start, end) they cover; a time skipped by spring-forward is never open. */
export const openWindows = (calendar: BusinessCalendar, day: Day): [number, number][] => {
  const p = prepare(calendar);
  const key = isoDay(day);
  const cached = p.windows.get(key);
  if (cached) return cached;
  const holiday = p.holidays.get(key);
  const intervals = holiday ? (holiday.hours ?? []) : (calendar.weekly[weekdays[weekdayOf(day)]!] ?? []);
  const midnight = { ...day, hour: 0, minute: 0 };
  const windows = intervals
    .map((i): [number, number] => [instantOn(midnight, i.start, calendar.timeZone), instantOn(midnight, i.end, calendar.timeZone)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  if (p.windows.size >= windowCacheDays) p.windows.clear();
  p.windows.set(key, windows);
  return windows;
};

/** Business hours of `calendar`: time counts only inside its weekly intervals, holidays closed or shortened. */
export const businessTime = (calendar: BusinessCalendar): TimeMeasure => ({
  addMs(start, ms) {
    let cursor = start.getTime();
    let left = Math.max(0, ms);
    if (left === 0) return new Date(cursor);
    let day = dayOf(start, calendar.timeZone);
    for (let i = 0; i < searchDays; i++, day = nextDay(day)) {
      for (const [open, close] of openWindows(calendar, day)) {
        if (close <= cursor) continue;
        const from = Math.max(open, cursor);
        if (from + left <= close) return new Date(from + left);
        left -= close - from;
        cursor = close;
      }
    }
    throw new RangeError(`the calendar has no business hours within ${searchDays} days of ${start.toISOString()}`);
  },
  msBetween(from, to) {
    const [a, b] = [from.getTime(), to.getTime()];
    if (b <= a) return 0;
    let total = 0;
    let day = dayOf(from, calendar.timeZone);
    for (let i = 0; i < searchDays; i++, day = nextDay(day)) {
      const windows = openWindows(calendar, day);
      for (const [open, close] of windows) total += Math.max(0, Math.min(close, b) - Math.max(open, a));
      // The day's midnight is past `to`: no later window can count.
      if (instantAt(nextDay(day), calendar.timeZone).getTime() >= b) return total;
    }
    return total;
  },
});

/** When `minutes` business minutes of `calendar` have passed after `start` (a start outside hours waits for the next opening). */
export const addBusinessMinutes = (calendar: BusinessCalendar, start: Date, minutes: number): Date =>
  businessTime(calendar).addMs(start, minutes * minuteMs);

/** Whole business minutes of `calendar` between two instants. */
export const businessMinutesBetween = (calendar: BusinessCalendar, from: Date, to: Date): number =>
  Math.floor(businessTime(calendar).msBetween(from, to) / minuteMs);

/** Whether the calendar is open at `instant`. */
export const isOpen = (calendar: BusinessCalendar, instant: Date): boolean => {
  const t = instant.getTime();
  return openWindows(calendar, dayOf(instant, calendar.timeZone)).some(([a, b]) => a <= t && t < b);
};
