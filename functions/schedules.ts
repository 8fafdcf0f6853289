/**
 * Recurring jobs: CDK turns each into an EventBridge schedule rule invoking
 * functions/<context>/<entry>.ts; the embedded runtime's scheduler fires the
 * same entries when its clock passes the time.
 */
export interface RecurringJob {
  name: string;
  context: string;
  /** Entry file (without .ts) in the context's folder, exporting `handler`. */
  entry: string;
  /** Every day at this UTC time, HH:MM. */
  dailyAt: string;
}

export const recurringJobs: RecurringJob[] = [
  { name: 'win-back-sweep', context: 'journeys', entry: 'sweep', dailyAt: '06:00' },
  // Weekly in effect: the first run of each ISO week writes the week's snapshots.
  { name: 'forecast-snapshot', context: 'forecast', entry: 'snapshot', dailyAt: '05:00' },
];
