import { describe, expect, it } from 'vitest';
import {
  addBusinessMinutes,
  type BusinessCalendar,
  businessMinutesBetween,
  businessTime,
  calendarTime,
  type Interval,
  isOpen,
  weekdays,
} from '../../functions/sla/business-time.ts';
import { instantAt } from '../../shared/domain/zoned-time.ts';

const nineToSix: Interval[] = [{ start: '09:00', end: '18:00' }];
const weekdaysOnly = (hours: Interval[]) => ({ mon: hours, tue: hours, wed: hours, thu: hours, fri: hours });
const calendar = (timeZone: string, weekly: BusinessCalendar['weekly'], holidays: BusinessCalendar['holidays'] = []): BusinessCalendar => ({
  timeZone,
  weekly,
  holidays,
});

/** The instant of a wall-clock time "YYYY-MM-DD HH:MM" in `zone`. */
const at = (zone: string, wall: string) => {
  const [date, time] = wall.split(' ');
  const [year, month, day] = date!.split('-').map(Number);
  const [hour, minute] = time!.split(':').map(Number);
  return instantAt({ year: year!, month: month!, day: day!, hour: hour!, minute: minute! }, zone);
};

const berlin = calendar('Europe/Berlin', weekdaysOnly(nineToSix));

describe('business minutes on the hard cases', () => {
  it('a ticket created Friday 17:55 with hours 09:00–18:00 gets 5 minutes on Friday and the rest on Monday', () => {
    const friday = at('Europe/Berlin', '2026-03-06 17:55');
    expect(addBusinessMinutes(berlin, friday, 5)).toEqual(at('Europe/Berlin', '2026-03-06 18:00'));
    expect(addBusinessMinutes(berlin, friday, 6)).toEqual(at('Europe/Berlin', '2026-03-09 09:01'));
    expect(addBusinessMinutes(berlin, friday, 60)).toEqual(at('Europe/Berlin', '2026-03-09 09:55'));
    // 24 business hours: 5 min Friday, 9 h Monday, 9 h Tuesday, 5 h 55 min Wednesday.
    expect(addBusinessMinutes(berlin, friday, 24 * 60)).toEqual(at('Europe/Berlin', '2026-03-11 14:55'));
    expect(businessMinutesBetween(berlin, friday, at('Europe/Berlin', '2026-03-09 09:55'))).toBe(60);
    // The weekend does not count, whichever hour of it.
    expect(businessMinutesBetween(berlin, at('Europe/Berlin', '2026-03-06 18:00'), at('Europe/Berlin', '2026-03-09 09:00'))).toBe(0);
  });

  it('skips a holiday on the next working day, and a half day holiday counts only its hours', () => {
    const easterMonday = calendar('Europe/Berlin', weekdaysOnly(nineToSix), [{ date: '2026-03-09', name: 'Closed' }]);
    const friday = at('Europe/Berlin', '2026-03-06 17:55');
    expect(addBusinessMinutes(easterMonday, friday, 60)).toEqual(at('Europe/Berlin', '2026-03-10 09:55'));
    expect(businessMinutesBetween(easterMonday, friday, at('Europe/Berlin', '2026-03-10 09:55'))).toBe(60);

    const christmasEve = calendar('Europe/Berlin', weekdaysOnly(nineToSix), [
      { date: '2026-12-24', hours: [{ start: '09:00', end: '13:00' }] },
      { date: '2026-12-25' },
    ]);
    // Thursday 24th: 09:00–13:00 only; Friday 25th closed; Monday 28th open again.
    const eve = at('Europe/Berlin', '2026-12-24 12:00');
    expect(addBusinessMinutes(christmasEve, eve, 60)).toEqual(at('Europe/Berlin', '2026-12-24 13:00'));
    expect(addBusinessMinutes(christmasEve, eve, 90)).toEqual(at('Europe/Berlin', '2026-12-28 09:30'));
    expect(isOpen(christmasEve, at('Europe/Berlin', '2026-12-24 14:00'))).toBe(false);
    expect(isOpen(christmasEve, at('Europe/Berlin', '2026-12-24 10:00'))).toBe(true);
  });

  it('counts a pause across a night by its business minutes only', () => {
    const evening = at('Europe/Berlin', '2026-03-10 17:00');
    const morning = at('Europe/Berlin', '2026-03-11 10:00');
    expect(businessMinutesBetween(berlin, evening, morning)).toBe(120);
    expect(calendarTime.msBetween(evening, morning) / 60_000).toBe(17 * 60);
  });

  it('two intervals in a day (split shift): the lunch break does not count', () => {
    const split = calendar(
      'Europe/Paris',
      weekdaysOnly([
        { start: '13:00', end: '17:00' },
        { start: '09:00', end: '12:00' },
      ]),
    );
    const late = at('Europe/Paris', '2026-06-10 11:30');
    expect(addBusinessMinutes(split, late, 30)).toEqual(at('Europe/Paris', '2026-06-10 12:00'));
    expect(addBusinessMinutes(split, late, 60)).toEqual(at('Europe/Paris', '2026-06-10 13:30'));
    expect(addBusinessMinutes(split, at('Europe/Paris', '2026-06-10 12:15'), 10)).toEqual(at('Europe/Paris', '2026-06-10 13:10'));
    expect(businessMinutesBetween(split, at('Europe/Paris', '2026-06-10 11:00'), at('Europe/Paris', '2026-06-10 14:00'))).toBe(120);
    // 7 h 30 min from Wednesday 11:30: 30 + 240 on Wednesday, the 180 of Thursday morning, then the afternoon.
    expect(addBusinessMinutes(split, late, 7 * 60 + 30)).toEqual(at('Europe/Paris', '2026-06-11 12:00'));
    expect(addBusinessMinutes(split, late, 7 * 60 + 31)).toEqual(at('Europe/Paris', '2026-06-11 13:01'));
  });

  it('a start outside hours waits for the next opening', () => {
    expect(addBusinessMinutes(berlin, at('Europe/Berlin', '2026-03-07 10:00'), 30)).toEqual(at('Europe/Berlin', '2026-03-09 09:30'));
    expect(addBusinessMinutes(berlin, at('Europe/Berlin', '2026-03-10 06:00'), 30)).toEqual(at('Europe/Berlin', '2026-03-10 09:30'));
    expect(addBusinessMinutes(berlin, at('Europe/Berlin', '2026-03-10 23:00'), 1)).toEqual(at('Europe/Berlin', '2026-03-11 09:01'));
    expect(addBusinessMinutes(berlin, at('Europe/Berlin', '2026-03-07 10:00'), 0)).toEqual(at('Europe/Berlin', '2026-03-07 10:00'));
  });

  it('hours until 24:00 run to midnight, the next day starts at its own hours', () => {
    const night = calendar('UTC', { mon: [{ start: '20:00', end: '24:00' }], tue: [{ start: '00:00', end: '02:00' }] });
    const start = new Date('2026-03-09T23:00:00Z');
    expect(addBusinessMinutes(night, start, 90)).toEqual(new Date('2026-03-10T00:30:00Z'));
    expect(addBusinessMinutes(night, start, 180)).toEqual(new Date('2026-03-10T02:00:00Z'));
    expect(addBusinessMinutes(night, start, 181)).toEqual(new Date('2026-03-16T20:01:00Z'));
  });
});

describe('business minutes across DST changes in the calendar zone', () => {
  it('Europe/Berlin, last Sunday of March: Friday to Monday across the change keeps business minutes, UTC moves by an hour less', () => {
    const friday = at('Europe/Berlin', '2026-03-27 17:00');
    expect(friday.toISOString()).toBe('2026-03-27T16:00:00.000Z');
    const due = addBusinessMinutes(berlin, friday, 120);
    expect(due).toEqual(at('Europe/Berlin', '2026-03-30 10:00'));
    expect(due.toISOString()).toBe('2026-03-30T08:00:00.000Z');
    expect(businessMinutesBetween(berlin, friday, due)).toBe(120);
  });

  it('Europe/Berlin: a Sunday open all day has 23 hours in March and 25 in October', () => {
    const sundays = calendar('Europe/Berlin', { sun: [{ start: '00:00', end: '24:00' }] });
    expect(businessMinutesBetween(sundays, at('Europe/Berlin', '2026-03-29 00:00'), at('Europe/Berlin', '2026-03-30 00:00'))).toBe(23 * 60);
    expect(businessMinutesBetween(sundays, at('Europe/Berlin', '2026-10-25 00:00'), at('Europe/Berlin', '2026-10-26 00:00'))).toBe(25 * 60);
    expect(businessMinutesBetween(sundays, at('Europe/Berlin', '2026-03-22 00:00'), at('Europe/Berlin', '2026-03-23 00:00'))).toBe(24 * 60);
    // 01:00–04:00 on the spring-forward night is two real hours: 02:00–03:00 never happens.
    const night = calendar('Europe/Berlin', { sun: [{ start: '01:00', end: '04:00' }] });
    expect(businessMinutesBetween(night, at('Europe/Berlin', '2026-03-29 00:00'), at('Europe/Berlin', '2026-03-30 00:00'))).toBe(120);
    expect(addBusinessMinutes(night, at('Europe/Berlin', '2026-03-29 00:00'), 90).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // and on the fall-back night four real hours: 02:00–03:00 happens twice.
    expect(businessMinutesBetween(night, at('Europe/Berlin', '2026-10-25 00:00'), at('Europe/Berlin', '2026-10-26 00:00'))).toBe(240);
  });

  it('Europe/Berlin, last Sunday of October: the week after the change counts business hours in the new offset', () => {
    const friday = at('Europe/Berlin', '2026-10-23 17:30');
    expect(friday.toISOString()).toBe('2026-10-23T15:30:00.000Z');
    const due = addBusinessMinutes(berlin, friday, 60);
    expect(due.toISOString()).toBe('2026-10-26T08:30:00.000Z');
    expect(businessMinutesBetween(berlin, friday, due)).toBe(60);
  });

  it('America/New_York, second Sunday of March and first Sunday of November', () => {
    const ny = calendar('America/New_York', weekdaysOnly([{ start: '09:00', end: '17:00' }]));
    const friday = at('America/New_York', '2026-03-06 16:00');
    expect(friday.toISOString()).toBe('2026-03-06T21:00:00.000Z');
    expect(addBusinessMinutes(ny, friday, 120).toISOString()).toBe('2026-03-09T14:00:00.000Z');
    const november = at('America/New_York', '2026-10-30 16:00');
    expect(addBusinessMinutes(ny, november, 120).toISOString()).toBe('2026-11-02T15:00:00.000Z');
    const always = calendar('America/New_York', Object.fromEntries(weekdays.map((d) => [d, [{ start: '00:00', end: '24:00' }]])));
    expect(businessMinutesBetween(always, at('America/New_York', '2026-03-07 12:00'), at('America/New_York', '2026-03-08 12:00'))).toBe(
      23 * 60,
    );
    expect(businessMinutesBetween(always, at('America/New_York', '2026-10-31 12:00'), at('America/New_York', '2026-11-01 12:00'))).toBe(
      25 * 60,
    );
  });
});

/** A small deterministic generator, so a failing case can be replayed. */
const random = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** A random calendar: one to three intervals on some weekdays (DST-heavy zones), a few holidays, half days included. */
const randomCalendar = (next: () => number): BusinessCalendar => {
  const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Santiago', 'UTC'];
  const weekly: BusinessCalendar['weekly'] = {};
  const intervals = () => {
    const out: Interval[] = [];
    let cursor = Math.floor(next() * 8) * 60;
    for (let n = 1 + Math.floor(next() * 3); n > 0 && cursor < 1440; n--) {
      const start = cursor + Math.floor(next() * 4) * 30;
      const end = Math.min(1440, start + 30 + Math.floor(next() * 12) * 30);
      if (start >= end) break;
      out.push({ start: hhmm(start), end: end === 1440 ? '24:00' : hhmm(end) });
      cursor = end + 15;
    }
    return out;
  };
  for (const day of weekdays) if (next() < 0.7) weekly[day] = intervals();
  const wednesday = intervals();
  // At least one interval in the week, as the calendar schema requires.
  weekly.wed = wednesday.length ? wednesday : [{ start: '10:00', end: '11:00' }];
  const holidays = Array.from({ length: 4 }, (_, i) => ({
    date: `2026-${['03', '04', '10', '11'][i]}-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}`,
    ...(next() < 0.5 ? { hours: [{ start: '10:00', end: '12:00' }] } : {}),
  })).filter((h, i, all) => all.findIndex((o) => o.date === h.date) === i);
  return { timeZone: zones[Math.floor(next() * zones.length)]!, weekly, holidays };
};

describe('business-time properties on random calendars', () => {
  const next = random(20_261_202);
  const cases = Array.from({ length: 150 }, () => {
    const cal = randomCalendar(next);
    // Starts spread over 2026 (both DST changes of every zone), to the second.
    const start = new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 360 * 86_400) * 1000);
    const minutes = Math.floor(next() * 4000);
    const more = Math.floor(next() * 2000);
    return { cal, start, minutes, more };
  });

  it('between(start, add(start, m)) is m, and the due instant is inside open hours', () => {
    for (const { cal, start, minutes } of cases) {
      const due = addBusinessMinutes(cal, start, minutes);
      expect(businessMinutesBetween(cal, start, due), JSON.stringify({ cal, start, minutes })).toBe(minutes);
      if (minutes > 0) expect(isOpen(cal, new Date(due.getTime() - 1)), JSON.stringify({ cal, start, minutes })).toBe(true);
    }
  });

  it('adding is monotonic and additive: add(add(s, a), b) = add(s, a + b)', () => {
    for (const { cal, start, minutes, more } of cases) {
      const once = addBusinessMinutes(cal, start, minutes + more);
      const twice = addBusinessMinutes(cal, addBusinessMinutes(cal, start, minutes), more);
      expect(twice, JSON.stringify({ cal, start, minutes, more })).toEqual(once);
      expect(addBusinessMinutes(cal, start, minutes).getTime()).toBeLessThanOrEqual(once.getTime());
    }
  });

  it('measuring splits at any instant: between(a, c) = between(a, b) + between(b, c), never more than the calendar time', () => {
    const measure = (cal: BusinessCalendar) => businessTime(cal);
    for (const { cal, start, minutes, more } of cases) {
      const a = start;
      const b = new Date(start.getTime() + minutes * 37_000);
      const c = new Date(b.getTime() + more * 53_000);
      const m = measure(cal);
      expect(m.msBetween(a, c)).toBe(m.msBetween(a, b) + m.msBetween(b, c));
      expect(m.msBetween(a, c)).toBeLessThanOrEqual(c.getTime() - a.getTime());
      expect(m.msBetween(c, a)).toBe(0);
    }
  });

  it('calendar time is plain elapsed time', () => {
    const start = new Date('2026-03-29T00:30:00Z');
    expect(calendarTime.addMs(start, 90 * 60_000).toISOString()).toBe('2026-03-29T02:00:00.000Z');
    expect(calendarTime.msBetween(start, new Date('2026-03-29T02:00:00Z'))).toBe(90 * 60_000);
  });
});
