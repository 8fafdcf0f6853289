import type { Step, Trigger } from './schemas.ts';

/** The step after `index` in the list, where steps go by default. */
const following = (steps: readonly Step[], index: number): string | undefined => steps[index + 1]?.id;

/** Where a step goes when it is done (undefined: the run is complete); branch and exit decide for themselves. */
export const nextOf = (steps: readonly Step[], step: Step): string | undefined =>
  'next' in step && step.next
    ? step.next
    : following(
        steps,
        steps.findIndex((s) => s.id === step.id),
      );

/** Every step a step can lead to. */
export const successors = (steps: readonly Step[], step: Step): string[] => {
  switch (step.type) {
    case 'exit':
      return [];
    case 'branch':
      return [...step.conditions.map((c) => c.goto), step.otherwise];
    case 'wait_for_event':
      return [nextOf(steps, step), step.onTimeout].filter((s): s is string => s !== undefined);
    default: {
      const next = nextOf(steps, step);
      return next ? [next] : [];
    }
  }
};

/** Steps that hold a run until a timer or an event: the only places a run rests. */
export const waits = (step: Step): boolean =>
  step.type === 'wait' ||
  step.type === 'wait_until' ||
  step.type === 'wait_for_event' ||
  (step.type === 'send_survey' && step.delay !== undefined);

/** Event types that start the journey (none for a schedule trigger). */
export const triggerTypes = (trigger: Trigger): string[] => (trigger.type === 'event' ? [trigger.eventType].flat() : []);
