import type { DomainEvent } from '../../shared/events/catalog.ts';
import type { EventPattern } from '../../shared/events/pattern.ts';
import type { Counters, JourneyVersion, Reentry } from './schemas.ts';

/** What a step did, kept in the run so later branches can look at it (`run.steps.<id>.status`, `.event.data.score`…). */
export interface StepState {
  status: string;
  at: string;
  reason?: string;
  messageId?: string;
  sendId?: string;
  taskId?: string;
  goto?: string;
  /** The event a wait_for_event received. */
  event?: { type: string; id: string; data: Record<string, unknown> };
}

/** A run resting at a step until a timer fires or, for wait_for_event, an event arrives (the timer is then the timeout). */
export interface Waiting {
  kind: 'timer' | 'event';
  until: string;
  /** The scheduler job that wakes the run: stable per run, step and visit. */
  schedule: string;
  eventType?: string;
}

/** The step a run is at; `visit` counts how often the run reached it (loops), so a retried step keeps its dedupe key. */
export interface Cursor {
  stepId: string;
  visit: number;
  waiting?: Waiting;
}

export type EndReason = 'completed' | 'exit_step' | 'goal' | 'contact_deleted' | 'loop_limit';

export interface RunTrigger {
  type: string;
  /** The triggering event's id, or `sweep-<day>` for a scheduled enrolment: one enrolment per journey, trigger and contact. */
  eventId: string;
  data: Record<string, unknown>;
}

/** One contact's pass through one journey version. */
export interface Run {
  id: string;
  tenantId: string;
  journeyId: string;
  version: number;
  contactId: string;
  status: 'active' | 'completed' | 'exited';
  end?: { reason: EndReason; at: string; goal?: string };
  trigger: RunTrigger;
  at?: Cursor;
  visits: Record<string, number>;
  steps: Record<string, StepState>;
  /** Event types of the version's exit goals, copied to the contact's run index. */
  goalTypes: string[];
  /** Bumped by every change: commits are conditioned on it. */
  rev: number;
  enteredAt: string;
  updatedAt: string;
}

/** A contact's active run as its index shows it: enough to decide whether an event concerns the run. */
export interface RunPointer {
  runId: string;
  journeyId: string;
  version: number;
  goalTypes: string[];
  /** The event that started the run: a redelivery of it is no goal. */
  triggerEventId: string;
  /** Where the run rests, when it does. */
  at?: { stepId: string; visit: number };
  waitingFor?: string;
  resting: boolean;
}

export const pointerOf = (run: Run): RunPointer => ({
  runId: run.id,
  journeyId: run.journeyId,
  version: run.version,
  goalTypes: run.goalTypes,
  triggerEventId: run.trigger.eventId,
  at: run.at?.waiting && { stepId: run.at.stepId, visit: run.at.visit },
  waitingFor: run.at?.waiting?.eventType,
  resting: Boolean(run.at?.waiting),
});

export type Counter = keyof Counters;
/** Counter changes per scope: '*' for the journey, else a step id. */
export type StatsDelta = Record<string, Partial<Record<Counter, number>>>;

export const emptyCounters = (): Counters => ({
  entered: 0,
  inProgress: 0,
  completed: 0,
  exitedByGoal: 0,
  exitedOther: 0,
  sent: 0,
  failed: 0,
  skipped: 0,
  deferred: 0,
});

export interface TriggerEntry {
  journeyId: string;
  version: number;
  filter?: EventPattern;
}

export interface Enrolment {
  run: Run;
  reentry: Reentry;
  now: Date;
}
export type EnrolResult = { status: 'enrolled' } | { status: 'duplicate'; runId: string } | { status: 'refused' };

/** What a contact's last entries into a journey were; re-entry is decided on it. */
export interface EnrolmentState {
  activeRunId?: string;
  lastEnteredAt: string;
}

/** Whether the re-entry policy lets a contact enter again. The DynamoDB store states the same rule as a condition expression. */
export const admits = (reentry: Reentry, state: EnrolmentState | undefined, now: Date): boolean => {
  if (!state) return true;
  if (reentry.mode === 'never') return false;
  if (reentry.mode === 'after_exit' && state.activeRunId) return false;
  return !reentry.minIntervalDays || state.lastEnteredAt <= intervalCutoff(reentry, now);
};
export const intervalCutoff = (reentry: Reentry, now: Date): string =>
  new Date(now.getTime() - (reentry.minIntervalDays ?? 0) * 86_400_000).toISOString();

export interface Commit {
  before: Run;
  after: Run;
  stats: StatsDelta;
  /** The step record to store as done. */
  step?: { stepId: string; visit: number; state: StepState };
}

/**
 * Where runs and the definitions they follow are kept: DynamoDB in
 * production, memory for the dry run and unit tests. Every write is
 * conditional so redelivered events and retried steps change nothing twice.
 */
export interface RunStore {
  /** An immutable journey version. */
  version(tenantId: string, journeyId: string, version: number): Promise<JourneyVersion | undefined>;
  /** The active journey versions an event type starts. */
  triggers(tenantId: string, eventType: string): Promise<TriggerEntry[]>;
  /** Stores a new run unless its trigger already enrolled the contact (duplicate) or the re-entry policy refuses it. */
  enrol(enrolment: Enrolment): Promise<EnrolResult>;
  run(tenantId: string, runId: string): Promise<Run | undefined>;
  /** A contact's active runs (strongly consistent). */
  contactRuns(tenantId: string, contactId: string): Promise<RunPointer[]>;
  /**
   * Claims the run's current step before its side effects: the first claim
   * stores `data` (a wait's end, a task's due time); a retry gets what the
   * first claim stored.
   */
  claimStep(run: Run, data: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Replaces `before` by `after` if the run is still at `before.rev`; false if another delivery moved it first. */
  commit(commit: Commit): Promise<boolean>;
}

/** What wakes a resting run. */
export type Resume = { stepId: string; visit: number } & ({ by: 'timer' } | { by: 'event'; event: DomainEvent });

/** The scheduler payload that wakes a run (functions/journeys/scheduled.ts). */
export interface WakeJob {
  kind: 'wake';
  tenantId: string;
  runId: string;
  stepId: string;
  visit: number;
}
