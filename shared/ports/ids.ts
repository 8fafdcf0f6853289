import { monotonicFactory, ulid } from 'ulidx';

const next = monotonicFactory();

/**
 * A new ULID. Without a time, ids are monotonic within the process; with a
 * time (a backdated activity), the id carries that time so it sorts by it.
 */
export const newId = (at?: Date): string => (at ? ulid(at.getTime()) : next());
