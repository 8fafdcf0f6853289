import * as z from 'zod';
import { consentPurposes } from '../../shared/domain/consent-purposes.ts';
import { attributes, id, isoDateTime, tag, text } from '../../shared/domain/fields.ts';
import type { EventType } from '../../shared/events/catalog.ts';
import { lifecycleStages, upsertContactBody } from '../contacts/api.ts';
import { isDuration } from './duration.ts';
import { journeyEventTypes } from './event-types.ts';
import { templateNames } from './template-names.ts';

const eventType = z.enum(journeyEventTypes as [EventType, ...EventType[]]);

/**
 * An EventBridge event pattern (shared/events/pattern.ts syntax), checked by
 * validatePattern when the journey is saved. Trigger, goal and wait filters
 * match the domain event's `data` object (e.g. `{"type": ["meeting"]}` for an
 * activity.logged), not the bus envelope; branch conditions match `{ contact, run, deals }`.
 */
const pattern = z.record(z.string(), z.unknown()).meta({ description: 'EventBridge event pattern' });

export const stepId = z.string().regex(/^[A-Za-z0-9_-]{1,24}$/, 'step ids are 1-24 letters, digits, _ or -');
const duration = z.string().refine(isDuration, 'must be a positive ISO 8601 duration such as P3D or PT2H');
/** A messaging template (functions/messaging): its id. */
const templateId = id;
const purpose = z.enum(consentPurposes);
/** Where a step goes next; by default, the step after it in the list. */
const next = stepId.optional();

const contactChangeFields = {
  lifecycleStage: z.enum(lifecycleStages).optional(),
  addTags: z.array(tag).max(20).optional(),
  removeTags: z.array(tag).max(20).optional(),
  /** Merged into the contact's attributes; a null removes one. */
  attributes: attributes.optional(),
};
const changesSomething = [
  (c: Partial<Record<keyof typeof contactChangeFields, unknown>>) =>
    Object.keys(contactChangeFields).some((k) => c[k as keyof typeof contactChangeFields] !== undefined),
  'give at least one of lifecycleStage, addTags, removeTags or attributes',
] as const;
const contactChange = z.strictObject(contactChangeFields).refine(...changesSomething);
export type ContactChange = z.output<typeof contactChange>;

const steps = {
  send_email: z.strictObject({ id: stepId, type: z.literal('send_email'), templateId, purpose: purpose.default('marketing'), next }),
  send_sms: z.strictObject({ id: stepId, type: z.literal('send_sms'), templateId, purpose: purpose.default('marketing'), next }),
  wait: z.strictObject({ id: stepId, type: z.literal('wait'), duration, next }),
  wait_until: z.strictObject({
    id: stepId,
    type: z.literal('wait_until'),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, in the contact’s time zone'),
    next,
  }),
  wait_for_event: z.strictObject({
    id: stepId,
    type: z.literal('wait_for_event'),
    eventType,
    filter: pattern.optional(),
    timeout: duration,
    onTimeout: stepId,
    /** Where the run goes when the event arrives in time. */
    next,
  }),
  branch: z.strictObject({
    id: stepId,
    type: z.literal('branch'),
    conditions: z
      .array(z.strictObject({ when: pattern, goto: stepId }))
      .min(1)
      .max(20),
    otherwise: stepId,
  }),
  create_task: z.strictObject({
    id: stepId,
    type: z.literal('create_task'),
    title: text(200),
    notes: text(2000).optional(),
    due: z.union([z.literal('next_business_day'), duration]),
    next,
  }),
  update_contact: z
    .strictObject({ id: stepId, type: z.literal('update_contact'), ...contactChangeFields, next })
    .refine(...changesSomething),
  send_survey: z.strictObject({
    id: stepId,
    type: z.literal('send_survey'),
    kind: z.enum(['nps', 'csat']),
    question: text(300),
    commentPrompt: text(300).optional(),
    /** Waits this long before sending. */
    delay: duration.optional(),
    expiresInDays: z.number().int().min(1).max(90).optional(),
    next,
  }),
  exit: z.strictObject({ id: stepId, type: z.literal('exit') }),
};

export const step = z.discriminatedUnion(
  'type',
  Object.values(steps) as [typeof steps.send_email, ...(typeof steps)[keyof typeof steps][]],
);
export type Step = z.output<typeof step>;
type StepType = Step['type'];
export type StepOf<T extends StepType> = Extract<Step, { type: T }>;

const eventTrigger = z.strictObject({
  type: z.literal('event'),
  /** One event type, or several that start the journey alike (e.g. ticket.resolved and order.placed). */
  eventType: z.union([eventType, z.array(eventType).min(1).max(10)]),
  filter: pattern.optional(),
});

export const segment = z.strictObject({
  /** Contacts whose last engagement (creation, activity or order) was this many days ago. */
  inactiveDays: z.number().int().min(1).max(3650).default(90),
  lifecycleStages: z.array(z.enum(lifecycleStages)).min(1).optional(),
  tags: z.array(tag).min(1).max(20).optional(),
});
export type Segment = z.output<typeof segment>;

const scheduleTrigger = z.strictObject({ type: z.literal('schedule'), every: z.literal('day'), segment });

export const trigger = z.discriminatedUnion('type', [eventTrigger, scheduleTrigger]);
export type Trigger = z.output<typeof trigger>;

export const goal = z.strictObject({
  eventType,
  filter: pattern.optional(),
  /** Applied to the contact when this goal ends a run (win-back: an order makes the contact a customer again). */
  updateContact: contactChange.optional(),
});
export type Goal = z.output<typeof goal>;

export const reentry = z.strictObject({
  mode: z.enum(['never', 'any_time', 'after_exit']),
  /** Days that must pass between two entries of the same contact. */
  minIntervalDays: z.number().int().min(1).max(3650).optional(),
});
export type Reentry = z.output<typeof reentry>;

export const journeyBody = z.strictObject({
  name: text(120),
  description: text(1000).optional(),
  trigger,
  steps: z.array(step).min(1).max(50),
  goals: z.array(goal).max(10).default([]),
  reentry: reentry.default({ mode: 'never' }),
});
export type JourneyDefinition = z.output<typeof journeyBody>;

const journeyStatuses = ['draft', 'active', 'paused', 'archived'] as const;
export type JourneyStatus = (typeof journeyStatuses)[number];

const definitionResponse = {
  name: z.string(),
  description: z.string().optional(),
  trigger,
  steps: z.array(step),
  goals: z.array(goal),
  reentry,
};

export const journeyResponse = z
  .object({
    id,
    /** The definition's version: every edit makes a new one; also the ETag. */
    version: z.number().int(),
    status: z.enum(journeyStatuses),
    ...definitionResponse,
    /** The built-in template it was installed from. */
    template: z.enum(templateNames).optional(),
    activatedAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Journey' });
export type Journey = z.infer<typeof journeyResponse>;

export const journeyVersionResponse = z
  .object({ journeyId: id, version: z.number().int(), ...definitionResponse, createdAt: z.string() })
  .meta({ id: 'JourneyVersion' });
export type JourneyVersion = z.infer<typeof journeyVersionResponse>;

export const journeyIdParams = z.strictObject({ id });
export const versionParams = z.strictObject({ id, version: z.coerce.number().int().min(1).max(1_000_000) });
export const templateParams = z.strictObject({ name: z.enum(templateNames) });

export const installBody = z
  .strictObject({
    name: text(120).optional(),
    /** Messaging template ids for the template's message slots (see GET /journeys/templates); missing slots get a starter template created in messaging. */
    templates: z.record(z.string().regex(/^[a-z-]{1,32}$/), templateId).optional(),
  })
  .optional()
  .default({});

export const templateListResponse = z
  .object({
    items: z.array(
      z.object({
        name: z.enum(templateNames),
        summary: z.string(),
        slots: z.array(z.object({ slot: z.string(), channel: z.enum(['email', 'sms']) })),
      }),
    ),
  })
  .meta({ id: 'JourneyTemplateList' });

const simulatedEvent = z.strictObject({
  type: eventType,
  /** The event's data; contactId is filled in with the simulated contact's, and contact.created / contact.updated carry the simulated contact (fields given here win). */
  data: z.record(z.string(), z.unknown()).default({}),
  /** When it happens; by default when the previous one did (the first: the simulation's start). */
  at: isoDateTime.optional(),
});

export const simulateBody = z.strictObject({
  contact: upsertContactBody.default({}),
  /** What happens to the contact; a journey triggered by contact.created gets that event at the start unless the list has one. */
  events: z.array(simulatedEvent).max(100).default([]),
  /** The version to simulate; the current one by default. */
  version: z.number().int().min(1).optional(),
  /** The simulated clock's start; now by default. */
  start: isoDateTime.optional(),
});

const pathEntry = z.object({ at: z.string(), stepId: z.string(), type: z.string(), outcome: z.string(), detail: z.string().optional() });
export const simulateResponse = z
  .object({
    version: z.number().int(),
    enrolled: z.boolean(),
    /** completed, exited (goal or exit step), waiting (still waiting when events and timers ran out) or not_enrolled. */
    result: z.enum(['completed', 'exited', 'waiting', 'not_enrolled']),
    reason: z.string().optional(),
    path: z.array(pathEntry),
    /** Every send the run attempts and what messaging's policy does with it: sent, deferred by quiet hours until `until`, or skipped for `reason`. */
    messages: z.array(
      z.object({
        at: z.string(),
        stepId: z.string(),
        channel: z.enum(['email', 'sms']),
        templateId: z.string().optional(),
        kind: z.string().optional(),
        purpose: z.string(),
        status: z.enum(['sent', 'deferred', 'skipped']),
        until: z.string().optional(),
        reason: z.string().optional(),
      }),
    ),
    skipped: z.array(z.object({ stepId: z.string(), reason: z.string() })),
  })
  .meta({ id: 'JourneySimulation' });
export type SimulationResult = z.infer<typeof simulateResponse>;

const counters = z.object({
  entered: z.number().int(),
  inProgress: z.number().int(),
  completed: z.number().int(),
  exitedByGoal: z.number().int(),
  exitedOther: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  deferred: z.number().int(),
});
export type Counters = z.infer<typeof counters>;
export const statsResponse = z
  .object({ journeyId: id, totals: counters, steps: z.array(counters.extend({ stepId: z.string() })) })
  .meta({ id: 'JourneyStats' });
