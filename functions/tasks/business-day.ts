import { instantAt, nextDay, type WallTime, wallTime } from '../../shared/domain/zoned-time.ts';

const isWeekend = (w: WallTime) => [0, 6].includes(new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay());

/**
 * `at` o'clock on the business day (Monday–Friday) after `from`'s date in
 * `timeZone`: Monday–Thursday give the next day, Friday and the weekend give
 * Monday. Public holidays are not known here.
 */
export const nextBusinessDay = (from: Date, timeZone = 'UTC', at = '09:00'): Date => {
  const time = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!time) throw new RangeError(`at must be HH:MM, got ${at}`);
  let day = nextDay({ ...wallTime(from, timeZone), hour: Number(time[1]), minute: Number(time[2]) });
  while (isWeekend(day)) day = nextDay(day);
  return instantAt(day, timeZone);
};
