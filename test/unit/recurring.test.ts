import { describe, expect, it } from 'vitest';
import { nextDailyRun } from '../../infra/local/recurring.ts';

describe('daily recurring jobs', () => {
  it('runs at the next HH:MM UTC strictly after now', () => {
    expect(nextDailyRun('06:00', new Date('2026-03-01T05:59:00Z')).toISOString()).toBe('2026-03-01T06:00:00.000Z');
    expect(nextDailyRun('06:00', new Date('2026-03-01T06:00:00Z')).toISOString()).toBe('2026-03-02T06:00:00.000Z');
    expect(nextDailyRun('00:30', new Date('2026-12-31T23:00:00Z')).toISOString()).toBe('2027-01-01T00:30:00.000Z');
  });
});
