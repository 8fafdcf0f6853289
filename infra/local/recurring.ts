import type { RecurringJob } from '../../functions/schedules.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import type { Scheduler } from '../../shared/ports/scheduler.ts';
import type { Invoke } from './functions.ts';

/** The first HH:MM (UTC) strictly after `after`. */
export const nextDailyRun = (dailyAt: string, after: Date): Date => {
  const [hours, minutes] = dailyAt.split(':').map(Number) as [number, number];
  const next = new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate(), hours, minutes));
  if (next <= after) next.setUTCDate(next.getUTCDate() + 1);
  return next;
};

interface RecurringPayload {
  recurringJob: string;
  time: string;
}

/**
 * What the schedule rules do on AWS, on the local scheduler: each recurring
 * job is a one-time job that, when it fires, books the next occurrence and
 * runs the job's entry with the scheduled time (as a rule's event carries it).
 */
export const recurringJobs = (jobs: RecurringJob[], scheduler: () => Scheduler, clock: Clock, invoke: Invoke) => {
  const book = (job: RecurringJob, after: Date) => {
    const at = nextDailyRun(job.dailyAt, after);
    const payload: RecurringPayload = { recurringJob: job.name, time: at.toISOString() };
    return scheduler().schedule({
      name: `${job.name}-${at
        .toISOString()
        .slice(0, 16)
        .replace(/[^0-9]/g, '')}`,
      at,
      target: job.context,
      payload,
    });
  };

  /** Wraps the scheduler's invoke: recurring payloads go to their entry, everything else to scheduled.ts. */
  const invokeScheduled: Invoke = async (context, kind, payload, timeoutMs) => {
    const job = jobs.find((j) => j.name === (payload as Partial<RecurringPayload> | null)?.recurringJob);
    if (!job) return invoke(context, kind, payload, timeoutMs);
    const { time } = payload as RecurringPayload;
    await book(job, new Date(time));
    return invoke(job.context, job.entry, { time }, timeoutMs);
  };

  return {
    invokeScheduled,
    start: () => Promise.all(jobs.map((job) => book(job, clock.now()))),
  };
};
