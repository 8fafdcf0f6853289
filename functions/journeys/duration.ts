/** ISO 8601 durations as journeys use them (P3D, PT2H, P1W, P1M…); no fractions, no negative values. */
const shape = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

interface Parts {
  years: number;
  months: number;
  days: number;
  ms: number;
}

const parse = (text: string): Parts | undefined => {
  const m = shape.exec(text);
  if (!m) return undefined;
  const n = (i: number) => Number(m[i] ?? 0);
  return { years: n(1), months: n(2), days: n(3) * 7 + n(4), ms: ((n(5) * 60 + n(6)) * 60 + n(7)) * 1000 };
};

/** Adds the duration to `from`: years and months on the UTC calendar, days as 24 hours. */
export const addDuration = (from: Date, duration: string): Date => {
  const parts = parse(duration);
  if (!parts) throw new RangeError(`not an ISO 8601 duration: ${duration}`);
  const at = new Date(from);
  if (parts.years || parts.months) at.setUTCMonth(at.getUTCMonth() + parts.years * 12 + parts.months);
  return new Date(at.getTime() + parts.days * 86_400_000 + parts.ms);
};

export const isDuration = (text: string): boolean => {
  const parts = parse(text);
  return parts !== undefined && (parts.years > 0 || parts.months > 0 || parts.days > 0 || parts.ms > 0);
};

/** Roughly how many days the duration lasts, to bound waits. */
export const durationDays = (duration: string): number => addDuration(new Date(0), duration).getTime() / 86_400_000;
