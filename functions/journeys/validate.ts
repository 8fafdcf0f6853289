import type { FieldErrors } from '../../shared/errors.ts';
import { validatePattern } from '../../shared/events/pattern.ts';
import { successors, waits } from './definition.ts';
import { durationDays } from './duration.ts';
import type { JourneyDefinition, Step } from './schemas.ts';

/** Undefined when the template exists and compiles for the channel, else why not, naming it (messaging's checkTemplate). */
export type TemplateCheck = (tenantId: string, templateId: string, channel: 'email' | 'sms') => Promise<string | undefined>;

/** The longest a single wait, timeout or survey delay may last. */
const maxWaitDays = 366;

const patternError = (pattern: unknown): string | undefined => {
  const checked = validatePattern(pattern);
  return checked.ok ? undefined : `bad event pattern: ${checked.error}`;
};

/** Branch conditions see the contact, the run and the contact's open deals, nothing else. */
const conditionError = (when: Record<string, unknown>): string | undefined => {
  const stray = Object.keys(when).filter((k) => !['contact', 'run', 'deals', '$or'].includes(k));
  if (stray.length) return `a condition matches { contact, run, deals }; unknown field ${stray.map((k) => `"${k}"`).join(', ')}`;
  return patternError(when);
};

const stepErrors = (step: Step): string[] => {
  const errors: string[] = [];
  const bounded = (duration: string | undefined, what: string) => {
    if (duration && durationDays(duration) > maxWaitDays)
      errors.push(`${what} ${duration} is longer than ${maxWaitDays} days; a wait needs a bound`);
  };
  if (step.type === 'wait') bounded(step.duration, 'the wait');
  if (step.type === 'send_survey') bounded(step.delay, 'the delay');
  if (step.type === 'create_task' && step.due !== 'next_business_day') bounded(step.due, 'the due time');
  if (step.type === 'wait_for_event') {
    bounded(step.timeout, 'the timeout');
    const bad = step.filter && patternError(step.filter);
    if (bad) errors.push(bad);
  }
  if (step.type === 'branch') {
    step.conditions.forEach((c, i) => {
      const bad = conditionError(c.when);
      if (bad) errors.push(`condition ${i + 1}: ${bad}`);
    });
  }
  return errors;
};

/** Steps on a cycle that never rests in a wait: a run would spin there forever. */
const restlessCycle = (steps: readonly Step[]): Set<string> => {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const state = new Map<string, 'open' | 'done'>();
  const found = new Set<string>();
  const visit = (step: Step, trail: string[]) => {
    state.set(step.id, 'open');
    for (const id of successors(steps, step)) {
      const next = byId.get(id);
      if (!next || waits(next)) continue;
      if (state.get(id) === 'open') for (const s of trail.slice(trail.indexOf(id))) found.add(s);
      else if (!state.has(id)) visit(next, [...trail, id]);
    }
    state.set(step.id, 'done');
  };
  for (const step of steps) if (!waits(step) && !state.has(step.id)) visit(step, [step.id]);
  return found;
};

const reachable = (steps: readonly Step[]): Set<string> => {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const queue = steps.slice(0, 1);
  for (let step = queue.shift(); step; step = queue.shift()) {
    if (seen.has(step.id)) continue;
    seen.add(step.id);
    for (const id of successors(steps, step)) if (byId.has(id)) queue.push(byId.get(id)!);
  }
  return seen;
};

/**
 * Everything wrong with a journey definition, keyed by the field (body.steps.3
 * names the fourth step): duplicate ids, jumps to missing steps, bad patterns,
 * unreachable steps, unbounded waits, cycles without a wait, templates that do
 * not exist or do not compile. Empty when the journey can run.
 */
export const validateJourney = async (journey: JourneyDefinition, tenantId: string, checkTemplate: TemplateCheck): Promise<FieldErrors> => {
  const errors: FieldErrors = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  const { steps } = journey;
  const ids = new Set(steps.map((s) => s.id));

  if (journey.trigger.type === 'event' && journey.trigger.filter) {
    const bad = patternError(journey.trigger.filter);
    if (bad) add('body.trigger.filter', bad);
  }
  journey.goals.forEach((g, i) => {
    const bad = g.filter && patternError(g.filter);
    if (bad) add(`body.goals.${i}.filter`, bad);
  });

  const duplicated = new Set(steps.filter((s, i) => steps.findIndex((t) => t.id === s.id) !== i).map((s) => s.id));
  const unreached = reachable(steps);
  const spinning = restlessCycle(steps);
  await Promise.all(
    steps.map(async (step, i) => {
      const field = `body.steps.${i}`;
      const say = (message: string) => add(field, `step "${step.id}": ${message}`);
      if (duplicated.has(step.id)) say('another step has the same id');
      for (const target of successors(steps, step)) if (!ids.has(target)) say(`goes to "${target}", which is not a step of this journey`);
      if (!unreached.has(step.id)) say('is unreachable: no step leads to it');
      if (spinning.has(step.id)) say('is on a cycle without a wait; put a wait in the loop');
      stepErrors(step).forEach(say);
      if (step.type === 'send_email' || step.type === 'send_sms') {
        const channel = step.type === 'send_email' ? 'email' : 'sms';
        const problem = await checkTemplate(tenantId, step.templateId, channel);
        if (problem) say(problem);
      }
    }),
  );
  return errors;
};
