/**
 * Fixed log-scale histogram of durations in minutes, kept as counter fields so
 * that UpdateItem ADD maintains it and days and teams merge by addition.
 *
 * Bucket 0 holds [0, 1) minute; bucket i (1 … last) holds
 * [2^((i-1)/4), 2^(i/4)) minutes: four buckets per doubling, so each bucket's
 * upper edge is 2^(1/4) ≈ 1.189 × its lower edge. The last bucket (83) starts
 * at 2^20.5 min (≈ 2.8 years) and takes everything longer.
 *
 * A percentile is the geometric middle of the bucket holding its rank
 * (nearest rank), so for a true value v ≥ 1 min the figure is within
 * 2^(1/8) − 1 ≈ 9.05 % of v (before rounding to 0.01 min); below 1 min it
 * is 0.5 min, within 0.5 min of v.
 */
export const bucketsPerDoubling = 4;
export const lastBucket = 83;

/** Lower edge of bucket i, in minutes. */
export const lowerEdge = (i: number) => (i === 0 ? 0 : 2 ** ((i - 1) / bucketsPerDoubling));

export const bucketOf = (minutes: number): number => {
  if (!(minutes >= 1)) return 0;
  let i = Math.floor(Math.log2(minutes) * bucketsPerDoubling) + 1;
  // log2 rounds near the edges: settle on the bucket whose edges hold the value.
  if (minutes < lowerEdge(i)) i--;
  else if (minutes >= lowerEdge(i + 1)) i++;
  return Math.min(i, lastBucket);
};

/** The figure a bucket stands for: the geometric middle of its edges (0.5 for bucket 0). */
export const bucketValue = (i: number) => (i === 0 ? 0.5 : 2 ** ((2 * i - 1) / (2 * bucketsPerDoubling)));

/** Relative precision of a percentile of values ≥ 1 min. */
export const relativePrecision = 2 ** (1 / (2 * bucketsPerDoubling)) - 1;

/** Counts per bucket index. */
export type Histogram = Map<number, number>;

export const histogramCount = (h: Histogram) => [...h.values()].reduce((a, b) => a + b, 0);

/** The nearest-rank percentile p (0 < p ≤ 1) as its bucket's value, rounded to 0.01 min; null when empty. */
export const percentile = (h: Histogram, p: number): number | null => {
  const n = histogramCount(h);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (const i of [...h.keys()].sort((a, b) => a - b)) {
    seen += h.get(i)!;
    if (seen >= rank) return Math.round(bucketValue(i) * 100) / 100;
  }
  return null;
};
