import { createHash } from 'node:crypto';
import { monotonicFactory, ulid } from 'ulidx';

const next = monotonicFactory();

/**
 * A new ULID. Without a time, ids are monotonic within the process; with a
 * time (a backdated activity), the id carries that time so it sorts by it.
 */
export const newId = (at?: Date): string => (at ? ulid(at.getTime()) : next());

/**
 * The same ULID for the same time and key, so a repeated write of one thing
 * (a redelivered event, a retried webhook) lands on the item its first attempt made.
 */
export const stableId = (at: Date, key: string): string => {
  const digest = createHash('sha256').update(key).digest();
  let byte = 0;
  return ulid(at.getTime(), () => digest[byte++ % digest.length]! / 256);
};
