import { describe, expect, it } from 'vitest';
import { addDuration, isDuration } from '../../functions/journeys/duration.ts';
import { journeyBody } from '../../functions/journeys/schemas.ts';
import { sweepDays } from '../../functions/journeys/sweep.ts';
import { templateNames } from '../../functions/journeys/template-names.ts';
import { builtInTemplates } from '../../functions/journeys/templates.ts';
import { type TemplateCheck, validateJourney } from '../../functions/journeys/validate.ts';
import { compileErrors } from '../../functions/messaging/liquid.ts';
import { createTemplateBody } from '../../functions/messaging/schemas.ts';
import { newId } from '../../shared/ports/ids.ts';

const good = newId();
const broken = newId();
const checkTemplate: TemplateCheck = async (_tenant, id) =>
  id === good ? undefined : id === broken ? `template ${id} does not compile` : `template ${id} does not exist`;
const trigger = { type: 'event', eventType: 'contact.created' } as const;

const errorsOf = async (steps: unknown[], extra: Record<string, unknown> = {}) => {
  const parsed = journeyBody.safeParse({ name: 'j', trigger, steps, ...extra });
  if (!parsed.success) return Object.fromEntries(parsed.error.issues.map((i) => [`body.${i.path.join('.')}`, i.message]));
  return validateJourney(parsed.data, 'acme', checkTemplate);
};

describe('journey validation', () => {
  it('accepts every built-in template', async () => {
    for (const name of templateNames) {
      const slots = Object.fromEntries(builtInTemplates[name].slots.map((s) => [s.slot, good]));
      const journey = journeyBody.parse(builtInTemplates[name].build(slots));
      expect(await validateJourney(journey, 'acme', checkTemplate), name).toEqual({});
    }
  });

  // The journey API stores starter content without compiling it: this is the check.
  it('installs only starter templates that are valid and compile', async () => {
    for (const name of templateNames) {
      for (const { slot, channel, starter } of builtInTemplates[name].slots) {
        expect(createTemplateBody.parse(starter), `${name}.${slot}`).toMatchObject({ channel });
        expect(await compileErrors(starter), `${name}.${slot}`).toEqual({});
      }
    }
  });

  it('refuses unknown event types and events that concern no contact', async () => {
    expect(
      await errorsOf([{ id: 'w', type: 'wait_for_event', eventType: 'order.shipped', timeout: 'P1D', onTimeout: 'w' }]),
    ).toHaveProperty(['body.steps.0.eventType']);
    const parsed = journeyBody.safeParse({
      name: 'j',
      trigger: { type: 'event', eventType: 'company.created' },
      steps: [{ id: 'x', type: 'exit' }],
    });
    expect(parsed.success).toBe(false);
  });

  it('names the step of a bad pattern, a missing target, an unreachable step and a broken or missing template', async () => {
    const missing = newId();
    const errors = await errorsOf([
      { id: 'mail', type: 'send_email', templateId: good },
      { id: 'pick', type: 'branch', conditions: [{ when: { contact: { tags: [] } }, goto: 'nowhere' }], otherwise: 'bad' },
      { id: 'bad', type: 'send_email', templateId: broken, next: 'done' },
      { id: 'gone', type: 'send_sms', templateId: missing },
      {
        id: 'wait',
        type: 'wait_for_event',
        eventType: 'order.placed',
        filter: { total: { amount: [{ numeric: ['>'] }] } },
        timeout: 'P2D',
        onTimeout: 'done',
      },
      { id: 'done', type: 'exit' },
    ]);
    expect(errors).toEqual({
      'body.steps.1': [
        'step "pick": goes to "nowhere", which is not a step of this journey',
        'step "pick": condition 1: bad event pattern: $.contact.tags: empty arrays are not allowed',
      ],
      'body.steps.2': [`step "bad": template ${broken} does not compile`],
      'body.steps.3': ['step "gone": is unreachable: no step leads to it', `step "gone": template ${missing} does not exist`],
      'body.steps.4': [
        'step "wait": is unreachable: no step leads to it',
        'step "wait": bad event pattern: $.total.amount[0].numeric: value of > must be a number',
      ],
    });
  });

  it('refuses a cycle without a wait, and accepts one with a wait', async () => {
    const loop = (withWait: boolean) => [
      { id: 'a', type: 'send_email', templateId: good },
      withWait ? { id: 'b', type: 'wait', duration: 'P1D' } : { id: 'b', type: 'update_contact', addTags: ['x'] },
      { id: 'c', type: 'branch', conditions: [{ when: { contact: { tags: ['done'] } }, goto: 'd' }], otherwise: 'a' },
      { id: 'd', type: 'exit' },
    ];
    const errors = await errorsOf(loop(false));
    for (const i of [0, 1, 2]) expect(errors[`body.steps.${i}`]).toEqual([expect.stringMatching(/is on a cycle without a wait/)]);
    expect(await errorsOf(loop(true))).toEqual({});
  });

  it('refuses waits without a bound, duplicate ids, bad patterns in triggers and goals, and conditions on unknown facts', async () => {
    expect(await errorsOf([{ id: 'w', type: 'wait_for_event', eventType: 'order.placed', onTimeout: 'w' }])).toHaveProperty([
      'body.steps.0.timeout',
    ]);
    expect(await errorsOf([{ id: 'w', type: 'wait', duration: 'P0D' }])).toHaveProperty(['body.steps.0.duration']);
    expect((await errorsOf([{ id: 'w', type: 'wait', duration: 'P2Y' }]))['body.steps.0']).toEqual([
      expect.stringMatching(/a wait needs a bound/),
    ]);
    expect(
      (
        await errorsOf([
          { id: 'x', type: 'exit' },
          { id: 'x', type: 'exit' },
        ])
      )['body.steps.1'],
    ).toContain('step "x": another step has the same id');
    const errors = await errorsOf(
      [
        { id: 'b', type: 'branch', conditions: [{ when: { event: { type: ['x'] } }, goto: 'x' }], otherwise: 'x' },
        { id: 'x', type: 'exit' },
      ],
      {
        trigger: { ...trigger, filter: { consent: 'yes' } },
        goals: [{ eventType: 'order.placed', filter: { total: [{ wildcard: 'a**b' }] } }],
      },
    );
    expect(Object.keys(errors).sort()).toEqual(['body.goals.0.filter', 'body.steps.0', 'body.trigger.filter']);
    expect(errors['body.steps.0']).toEqual(['step "b": condition 1: a condition matches { contact, run, deals }; unknown field "event"']);
  });
});

describe('durations and sweep days', () => {
  it('reads ISO 8601 durations', () => {
    const from = new Date('2026-01-31T12:00:00Z');
    expect(addDuration(from, 'P3D').toISOString()).toBe('2026-02-03T12:00:00.000Z');
    expect(addDuration(from, 'PT1H30M').toISOString()).toBe('2026-01-31T13:30:00.000Z');
    expect(addDuration(from, 'P1W').toISOString()).toBe('2026-02-07T12:00:00.000Z');
    expect(addDuration(from, 'P1Y2M').toISOString()).toBe('2027-03-31T12:00:00.000Z');
    for (const bad of ['P', 'PT', '3D', 'P1.5D', 'P0D', 'PT0S', '-P1D']) expect(isDuration(bad), bad).toBe(false);
  });

  it('sweeps today, catching up on missed days but at most a week', () => {
    expect(sweepDays('2026-03-10')).toEqual(['2026-03-10']);
    expect(sweepDays('2026-03-10', '2026-03-10')).toEqual([]);
    expect(sweepDays('2026-03-10', '2026-03-08')).toEqual(['2026-03-09', '2026-03-10']);
    expect(sweepDays('2026-03-10', '2026-01-01')).toEqual([
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
      '2026-03-10',
    ]);
  });
});
