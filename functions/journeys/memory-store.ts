import { triggerTypes } from './definition.ts';
import { admits, type EnrolmentState, emptyCounters, pointerOf, type Run, type RunStore, type TriggerEntry } from './run.ts';
import type { Counters, JourneyVersion } from './schemas.ts';

/**
 * A RunStore in memory, with the same conditional semantics as the DynamoDB
 * one: the dry run uses it so a simulation writes nothing, and unit tests use
 * it to drive the engine without AWS.
 */
export const memoryStore = () => {
  const versions = new Map<string, JourneyVersion>();
  const triggers = new Map<string, TriggerEntry[]>();
  const runs = new Map<string, Run>();
  const enrolments = new Map<string, EnrolmentState>();
  const guards = new Map<string, string>();
  const claims = new Map<string, Record<string, unknown>>();
  const stats = new Map<string, Counters>();
  const copy = structuredClone;

  const bump = (journeyId: string, delta: Record<string, Partial<Counters>>) => {
    for (const [scope, counts] of Object.entries(delta)) {
      const key = `${journeyId}|${scope}`;
      const counters = stats.get(key) ?? emptyCounters();
      for (const [name, n] of Object.entries(counts)) counters[name as keyof Counters] += n ?? 0;
      stats.set(key, counters);
    }
  };

  const store: RunStore = {
    async version(tenantId, journeyId, version) {
      const found = versions.get(`${tenantId}|${journeyId}|${version}`);
      return found && copy(found);
    },
    async triggers(tenantId, eventType) {
      return copy(triggers.get(`${tenantId}|${eventType}`) ?? []);
    },
    async enrol({ run, reentry, now }) {
      const guard = `${run.tenantId}|${run.journeyId}|${run.trigger.eventId}|${run.contactId}`;
      const existing = guards.get(guard);
      if (existing) return { status: 'duplicate', runId: existing };
      const key = `${run.tenantId}|${run.journeyId}|${run.contactId}`;
      if (!admits(reentry, enrolments.get(key), now)) return { status: 'refused' };
      guards.set(guard, run.id);
      enrolments.set(key, { activeRunId: run.id, lastEnteredAt: now.toISOString() });
      runs.set(`${run.tenantId}|${run.id}`, copy(run));
      bump(run.journeyId, { '*': { entered: 1, inProgress: 1 } });
      return { status: 'enrolled' };
    },
    async run(tenantId, runId) {
      const found = runs.get(`${tenantId}|${runId}`);
      return found && copy(found);
    },
    async contactRuns(tenantId, contactId) {
      return [...runs.values()].filter((r) => r.tenantId === tenantId && r.contactId === contactId && r.status === 'active').map(pointerOf);
    },
    async claimStep(run, data) {
      const key = `${run.tenantId}|${run.id}|${run.at!.stepId}|${run.at!.visit}`;
      if (!claims.has(key)) claims.set(key, copy(data));
      return copy(claims.get(key)!);
    },
    async commit({ before, after, stats: delta }) {
      const key = `${before.tenantId}|${before.id}`;
      if (runs.get(key)?.rev !== before.rev) return false;
      runs.set(key, copy(after));
      if (after.status !== 'active') {
        const enrolment = enrolments.get(`${after.tenantId}|${after.journeyId}|${after.contactId}`);
        if (enrolment) delete enrolment.activeRunId;
      }
      bump(before.journeyId, delta);
      return true;
    },
  };

  return {
    store,
    /** Stores a version and, when `active`, indexes its trigger as activation does. */
    addVersion(tenantId: string, version: JourneyVersion, active = true) {
      versions.set(`${tenantId}|${version.journeyId}|${version.version}`, copy(version));
      if (!active) return;
      for (const type of triggerTypes(version.trigger)) {
        const key = `${tenantId}|${type}`;
        const others = (triggers.get(key) ?? []).filter((t) => t.journeyId !== version.journeyId);
        const filter = version.trigger.type === 'event' ? version.trigger.filter : undefined;
        triggers.set(key, [...others, { journeyId: version.journeyId, version: version.version, ...(filter ? { filter } : {}) }]);
      }
    },
    stats: (journeyId: string, scope = '*') => stats.get(`${journeyId}|${scope}`) ?? emptyCounters(),
    runs: () => [...runs.values()].map((r) => copy(r)),
    /** How often each step of a run was claimed (a step runs its side effects only after its claim). */
    claimed: (runId: string) => [...claims.keys()].filter((k) => k.split('|')[1] === runId).length,
  };
};
