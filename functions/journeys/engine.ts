import type { DomainEvent } from '../../shared/events/catalog.ts';
import { matchesPattern } from '../../shared/events/pattern.ts';
import { newId } from '../../shared/ports/ids.ts';
import { retry } from '../../shared/retry.ts';
import type { Contact } from '../contacts/api.ts';
import type { Effects } from './effects.ts';
import type { Counter, EndReason, Resume, Run, RunPointer, RunStore, RunTrigger, StatsDelta, WakeJob } from './run.ts';
import type { Goal, JourneyVersion, Step } from './schemas.ts';
import { concerns, contactPatch, executeStep, type StepResult } from './steps.ts';

/** What the engine did, for the dry run's path and for logs. */
export type Observation =
  | { kind: 'enrolled'; run: Run }
  | { kind: 'refused'; journeyId: string; contactId: string; reason: 'duplicate' | 'reentry' }
  | { kind: 'step'; run: Run; step: Step; result: Exclude<StepResult, { kind: 'ignore' }> }
  | { kind: 'ended'; run: Run; reason: EndReason; goal?: string };

export interface EngineDeps {
  store: RunStore;
  effects: Effects;
  observe?: (observation: Observation) => void;
}

/** A run changed between reading and committing it. */
class RunMoved extends Error {
  constructor(runId: string) {
    super(`run ${runId} kept changing while being stopped`);
  }
}

/** A run that reaches a step this often is stopped: a loop with waits in it would otherwise run forever. */
const maxVisits = 100;
/** Steps one call may run before resting; validation refuses cycles without a wait, so this only catches a bug. */
const maxStepsPerCall = 200;

const add = (delta: StatsDelta, scope: string, counts: Partial<Record<Counter, number>>) => {
  const into = (delta[scope] ??= {});
  for (const [name, n] of Object.entries(counts) as [Counter, number][]) into[name] = (into[name] ?? 0) + n;
};

/** The run after its current step produced `result`, and the counters that moves. */
const transition = (run: Run, result: Exclude<StepResult, { kind: 'ignore' }>, now: string): { after: Run; stats: StatsDelta } => {
  const cursor = run.at!;
  const stats: StatsDelta = {};
  const after: Run = { ...run, rev: run.rev + 1, updatedAt: now };
  add(stats, cursor.stepId, cursor.waiting ? { inProgress: -1 } : { entered: 1 });
  if (result.kind === 'wait') {
    after.at = { ...cursor, waiting: result.waiting };
    add(stats, cursor.stepId, { inProgress: 1 });
    return { after, stats };
  }
  after.steps = { ...run.steps, [cursor.stepId]: result.state };
  add(stats, cursor.stepId, { completed: 1 });
  if (result.kind === 'next' && result.count) {
    add(stats, cursor.stepId, { [result.count]: 1 });
    add(stats, '*', { [result.count]: 1 });
  }
  const to = result.kind === 'next' ? result.to : undefined;
  const visit = to ? (run.visits[to] ?? 0) + 1 : 0;
  if (to && visit <= maxVisits) {
    after.at = { stepId: to, visit };
    after.visits = { ...run.visits, [to]: visit };
    return { after, stats };
  }
  const reason: EndReason = to ? 'loop_limit' : result.kind === 'end' ? 'exit_step' : 'completed';
  Object.assign(after, { status: to ? 'exited' : 'completed', at: undefined, end: { reason, at: now } });
  add(stats, '*', to ? { inProgress: -1, exitedOther: 1 } : { inProgress: -1, completed: 1 });
  return { after, stats };
};

/** The run stopped from outside its steps: a goal reached, or its contact deleted. */
const ending = (run: Run, reason: 'goal' | 'contact_deleted', now: string, goal?: string): { after: Run; stats: StatsDelta } => {
  const stats: StatsDelta = {};
  add(stats, '*', reason === 'goal' ? { inProgress: -1, exitedByGoal: 1 } : { inProgress: -1, exitedOther: 1 });
  if (run.at)
    add(stats, run.at.stepId, { ...(run.at.waiting ? { inProgress: -1 } : {}), ...(reason === 'goal' ? { exitedByGoal: 1 } : {}) });
  const after: Run = {
    ...run,
    status: 'exited',
    at: undefined,
    end: { reason, at: now, ...(goal ? { goal } : {}) },
    rev: run.rev + 1,
    updatedAt: now,
  };
  return { after, stats };
};

/**
 * The journey engine: enrols contacts, runs each run's steps until it rests
 * at a wait, wakes it on its timer or awaited event, and ends it on a goal.
 * It only talks to a RunStore and Effects, so the same code runs on AWS, in
 * the embedded runtime, in the dry run and in unit tests.
 */
export const journeyEngine = ({ store, effects, observe }: EngineDeps) => {
  const versionOf = async (tenantId: string, journeyId: string, version: number): Promise<JourneyVersion> => {
    const found = await store.version(tenantId, journeyId, version);
    if (!found) throw new Error(`journey ${journeyId} has no version ${version}`);
    return found;
  };

  /** Stops a run from outside, unless it ended meanwhile; retried when a step moved it concurrently. */
  const stop = (tenantId: string, runId: string, reason: 'goal' | 'contact_deleted', goal?: string) =>
    retry(
      async () => {
        const run = await store.run(tenantId, runId);
        if (run?.status !== 'active') return;
        const { after, stats } = ending(run, reason, effects.now().toISOString(), goal);
        if (!(await store.commit({ before: run, after, stats }))) throw new RunMoved(runId);
        observe?.({ kind: 'ended', run: after, reason, goal });
        if (run.at?.waiting) await effects.cancel(run.at.waiting.schedule);
      },
      { retryOn: (error) => error instanceof RunMoved },
    );

  /**
   * Runs the run's steps until it rests or ends. With `resume`, the run must
   * be resting at that step and visit (else the wake-up is stale and ignored);
   * without, a resting run stays put and one left between steps (a crash after
   * a commit) goes on.
   */
  const advance = async (tenantId: string, runId: string, resume?: Resume, read?: Contact): Promise<void> => {
    // The contact read (strongly consistent) in this invocation: steps that follow one another reuse it until one changes it.
    let contact = read;
    for (let n = 0; n < maxStepsPerCall; n++) {
      const run = await store.run(tenantId, runId);
      if (run?.status !== 'active' || !run.at) return;
      const cursor = run.at;
      const resuming = resume && resume.stepId === cursor.stepId && resume.visit === cursor.visit ? resume : undefined;
      if (cursor.waiting && !resuming) return;
      const version = await versionOf(tenantId, run.journeyId, run.version);
      const step = version.steps.find((s) => s.id === cursor.stepId);
      if (!step) throw new Error(`journey ${run.journeyId} v${run.version} has no step ${cursor.stepId}`);
      contact ??= await effects.contact(tenantId, run.contactId);
      if (!contact) return stop(tenantId, runId, 'contact_deleted');
      const now = effects.now();
      const claim = (data: Record<string, unknown>) => store.claimStep(run, data);
      const result = await executeStep({ run, cursor, step, steps: version.steps, contact, resume: resuming, effects, now, claim });
      if (result.kind === 'ignore') return;
      if (step.type === 'update_contact') contact = undefined;
      if (result.kind === 'wait') {
        const job: WakeJob = { kind: 'wake', tenantId, runId, stepId: cursor.stepId, visit: cursor.visit };
        await effects.schedule({ name: result.waiting.schedule, at: new Date(result.waiting.until), target: 'journeys', payload: job });
      }
      const { after, stats } = transition(run, result, now.toISOString());
      const done = result.kind === 'wait' ? undefined : { stepId: cursor.stepId, visit: cursor.visit, state: result.state };
      if (!(await store.commit({ before: run, after, stats, step: done }))) return;
      observe?.({ kind: 'step', run: after, step, result });
      if (after.status !== 'active') observe?.({ kind: 'ended', run: after, reason: after.end!.reason });
      if (resuming?.by === 'event' && cursor.waiting) await effects.cancel(cursor.waiting.schedule);
      resume = undefined;
      if (after.status !== 'active' || after.at?.waiting) return;
    }
    throw new Error(`run ${runId} ran ${maxStepsPerCall} steps without resting`);
  };

  /**
   * Enrols a contact and runs the first steps. A trigger that already enrolled
   * the contact (a redelivered event) only nudges that run on.
   */
  const enrol = async (
    version: JourneyVersion,
    tenantId: string,
    contactId: string,
    trigger: RunTrigger,
    known?: Contact,
  ): Promise<string | undefined> => {
    const contact = known ?? (await effects.contact(tenantId, contactId));
    if (!contact) return undefined;
    const entered = effects.now();
    const now = entered.toISOString();
    const first = version.steps[0]!;
    const run: Run = {
      id: newId(),
      tenantId,
      journeyId: version.journeyId,
      version: version.version,
      contactId,
      status: 'active',
      trigger,
      at: { stepId: first.id, visit: 1 },
      visits: { [first.id]: 1 },
      steps: {},
      goalTypes: [...new Set(version.goals.map((g) => g.eventType))],
      rev: 1,
      enteredAt: now,
      updatedAt: now,
    };
    const result = await store.enrol({ run, reentry: version.reentry, now: entered });
    if (result.status === 'refused') {
      observe?.({ kind: 'refused', journeyId: version.journeyId, contactId, reason: 'reentry' });
      return undefined;
    }
    const runId = result.status === 'duplicate' ? result.runId : run.id;
    observe?.(
      result.status === 'duplicate'
        ? { kind: 'refused', journeyId: version.journeyId, contactId, reason: 'duplicate' }
        : { kind: 'enrolled', run },
    );
    // A contact the caller read (the sweep's, from an index) is read again, consistently, before the first step.
    await advance(tenantId, runId, undefined, known ? undefined : contact);
    return runId;
  };

  const reachedGoal = async (tenantId: string, pointer: RunPointer, event: DomainEvent): Promise<Goal | undefined> => {
    if (!pointer.goalTypes.includes(event.type) || event.id === pointer.triggerEventId || !concerns(event, pointer.runId)) return undefined;
    const version = await versionOf(tenantId, pointer.journeyId, pointer.version);
    return version.goals.find((g) => g.eventType === event.type && (!g.filter || matchesPattern(g.filter, event.data)));
  };

  const exitOnGoal = async (tenantId: string, contactId: string, pointer: RunPointer, goal: Goal) => {
    const contact = goal.updateContact && (await effects.contact(tenantId, contactId));
    if (contact && goal.updateContact) {
      const patch = contactPatch(contact, goal.updateContact);
      if (Object.keys(patch).length) await effects.updateContact(tenantId, contactId, patch, pointer.journeyId);
    }
    await stop(tenantId, pointer.runId, 'goal', goal.eventType);
  };

  /**
   * A domain event about a contact: first it ends the contact's runs whose
   * goal it reaches and wakes those waiting for it, then it enrols the contact
   * in the active journeys it triggers.
   */
  const handleEvent = async (event: DomainEvent): Promise<void> => {
    const { tenantId } = event;
    const contactId = event.data.contactId;
    if (typeof contactId !== 'string') return;
    const runs = await store.contactRuns(tenantId, contactId);
    if (event.type === 'contact.deleted') {
      for (const pointer of runs) await stop(tenantId, pointer.runId, 'contact_deleted');
      return;
    }
    for (const pointer of runs) {
      const goal = await reachedGoal(tenantId, pointer, event);
      if (goal) await exitOnGoal(tenantId, contactId, pointer, goal);
      else if (pointer.waitingFor === event.type && pointer.at)
        await advance(tenantId, pointer.runId, { ...pointer.at, by: 'event', event });
      else if (!pointer.resting) await advance(tenantId, pointer.runId);
    }
    for (const entry of await store.triggers(tenantId, event.type)) {
      if (entry.filter && !matchesPattern(entry.filter, event.data)) continue;
      const version = await versionOf(tenantId, entry.journeyId, entry.version);
      await enrol(version, tenantId, contactId, { type: event.type, eventId: event.id, data: event.data });
    }
  };

  /** A scheduler job: the run's wait is over (or its wait for an event timed out). */
  const wake = (job: WakeJob) => advance(job.tenantId, job.runId, { stepId: job.stepId, visit: job.visit, by: 'timer' });

  return { handleEvent, enrol, wake, advance };
};

export type JourneyEngine = ReturnType<typeof journeyEngine>;
