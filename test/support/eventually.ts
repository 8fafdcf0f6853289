import { vi } from 'vitest';

/**
 * Bound on any wait for a condition: far beyond a quiet run, so a machine
 * busy with other work makes a test slow, never wrong.
 */
export const conditionTimeoutMs = 60_000;

/**
 * Waits until `check` stops throwing (an expect that holds, or a value it
 * returns), checking every 50 ms for at most conditionTimeoutMs. Use it
 * instead of a fixed sleep or a loop with a short deadline.
 */
export const eventually = <T>(check: () => T | Promise<T>): Promise<T> => vi.waitFor(check, { timeout: conditionTimeoutMs, interval: 50 });
