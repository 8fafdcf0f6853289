import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Clock } from '../../shared/ports/clock.ts';
import { checkJob, type ScheduledJob, type Scheduler } from '../../shared/ports/scheduler.ts';
import type { Invoke } from './functions.ts';
import { ManualClock, type Timed } from './manual-clock.ts';

export interface FailedJob {
  job: ScheduledJob;
  error: unknown;
}

export interface LocalSchedulerOptions {
  clock: Clock;
  invoke: Invoke;
  onError: (error: unknown, failed: FailedJob) => void;
  /** JSON file that keeps pending jobs across restarts; omitted, they live in memory. */
  file?: string;
}

export interface LocalScheduler extends Scheduler, Timed {
  /** Jobs not yet run, earliest first. */
  pending(): ScheduledJob[];
  /** Jobs whose target failed every attempt, as EventBridge Scheduler would send them to the DLQ. */
  readonly deadLetters: FailedJob[];
  stop(): void;
}

const attempts = 3;
const jobTimeoutMs = 15 * 60_000;
/** setTimeout cannot wait longer than this; later jobs are re-armed when it fires. */
const longestTimerMs = 2 ** 31 - 1;

const load = (file: string | undefined): ScheduledJob[] =>
  file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ScheduledJob[]).map((j) => ({ ...j, at: new Date(j.at) })) : [];

/**
 * EventBridge Scheduler for the embedded runtime: one-time jobs that invoke
 * functions/<target>/scheduled.ts. On a ManualClock jobs run when the test
 * advances it; otherwise a timer fires them.
 */
export const createLocalScheduler = ({ clock, invoke, onError, file }: LocalSchedulerOptions): LocalScheduler => {
  // Insertion order breaks ties between jobs due at the same time.
  const jobs = new Map<string, ScheduledJob>(load(file).map((j) => [j.name, j]));
  const deadLetters: FailedJob[] = [];
  let timer: NodeJS.Timeout | undefined;
  let detach: (() => void) | undefined;
  let stopped = false;

  const pending = () => [...jobs.values()].sort((a, b) => a.at.getTime() - b.at.getTime());
  const save = () => file && writeFileSync(file, JSON.stringify(pending()));

  const run = async (job: ScheduledJob) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await invoke(job.target, 'scheduled', job.payload, jobTimeoutMs);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          deadLetters.push({ job, error });
          return onError(error, { job, error });
        }
      }
    }
  };

  const self: LocalScheduler = {
    deadLetters,
    pending,
    nextDue: () => pending()[0]?.at,
    async runNext() {
      const job = pending()[0];
      if (!job || job.at > clock.now()) return;
      jobs.delete(job.name);
      save();
      await run(job);
    },
    async schedule(job) {
      const input = checkJob(job);
      if (jobs.has(job.name)) return;
      // The target gets the payload as JSON, as EventBridge Scheduler's Input carries it.
      jobs.set(job.name, { ...job, payload: JSON.parse(input) });
      save();
      arm();
    },
    async cancel(name) {
      if (jobs.delete(name)) save();
      arm();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      detach?.();
    },
  };

  const fireDue = async () => {
    while ((self.nextDue()?.getTime() ?? Infinity) <= clock.now().getTime()) await self.runNext();
    arm();
  };

  function arm() {
    clearTimeout(timer);
    if (detach || stopped) return;
    const due = self.nextDue();
    if (!due) return;
    timer = setTimeout(() => void fireDue(), Math.min(Math.max(0, due.getTime() - clock.now().getTime()), longestTimerMs));
    timer.unref();
  }

  if (clock instanceof ManualClock) detach = clock.attach(self);
  else arm();
  return self;
};
