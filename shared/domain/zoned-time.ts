/** Wall-clock arithmetic in IANA time zones with Intl only (no zone database of our own). */

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (timeZone: string) => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

/** The wall-clock time in `timeZone` at `instant`. */
export const wallTime = (instant: Date, timeZone: string): WallTime & { second: number } => {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return { year: +parts.year!, month: +parts.month!, day: +parts.day!, hour: +parts.hour!, minute: +parts.minute!, second: +parts.second! };
};

/** How far `timeZone` is ahead of UTC at `instant`, in ms. */
const offsetAt = (instant: number, timeZone: string) => {
  const w = wallTime(new Date(instant), timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(instant / 1000) * 1000;
};

const sameWall = (instant: number, wall: WallTime, timeZone: string) => {
  const w = wallTime(new Date(instant), timeZone);
  return w.year === wall.year && w.month === wall.month && w.day === wall.day && w.hour === wall.hour && w.minute === wall.minute;
};

/**
 * The instant the clocks in `timeZone` show `wall`. Two passes settle the
 * offset across a DST change. A time repeated by fall-back resolves to its
 * first occurrence; a time skipped by spring-forward moves forward by the
 * gap (02:30 → 03:30).
 */
export const instantAt = (wall: WallTime, timeZone: string): Date => {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const first = asUtc - offsetAt(asUtc, timeZone);
  const second = asUtc - offsetAt(first, timeZone);
  const exact = [first, second].filter((t) => sameWall(t, wall, timeZone)).sort((a, b) => a - b)[0];
  if (exact === undefined) return new Date(Math.max(first, second));
  const hourEarlier = exact - 3_600_000;
  return new Date(sameWall(hourEarlier, wall, timeZone) ? hourEarlier : exact);
};

/** The calendar day after `wall`'s, same time. */
export const nextDay = (wall: WallTime): WallTime => {
  const d = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + 1));
  return { ...wall, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** yyyy-mm-dd of a wall time. */
export const isoDay = (w: Pick<WallTime, 'year' | 'month' | 'day'>) => `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;

/** ISO 8601 week of a calendar day: yyyy-Www (weeks start on Monday; week 1 holds the year's first Thursday). */
export const isoWeek = (w: Pick<WallTime, 'year' | 'month' | 'day'>) => {
  const date = new Date(Date.UTC(w.year, w.month - 1, w.day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${pad(week)}`;
};

/** Minutes since midnight of "hh:mm". */
export const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/** Day of the week of a calendar day: 0 Sunday … 6 Saturday, as Date#getUTCDay. */
export const weekdayOf = (w: Pick<WallTime, 'year' | 'month' | 'day'>) => new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
