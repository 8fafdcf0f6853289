import * as z from 'zod';
import { email, id, text, timeZone } from '../../shared/domain/fields.ts';
import { minutesOf } from '../../shared/domain/zoned-time.ts';
import { slaTargets, ticketPriorities } from '../../shared/events/catalog.ts';
import { validatePattern } from '../../shared/events/pattern.ts';
import { weekdays } from './business-time.ts';

// ------------------------------------------------------------------ calendars

const clockTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time HH:MM, 00:00 to 24:00');

const interval = z
  .strictObject({ start: clockTime, end: clockTime })
  .refine((i) => minutesOf(i.start) < minutesOf(i.end), { message: 'start must be before end', path: ['end'] })
  .meta({ id: 'BusinessInterval' });

/** A day's open intervals: several make a split shift; none may overlap (touching is fine). Stored sorted. */
const intervals = z
  .array(interval)
  .max(12)
  .transform((list) => [...list].sort((a, b) => minutesOf(a.start) - minutesOf(b.start)))
  .superRefine((list, ctx) => {
    for (let i = 1; i < list.length; i++)
      if (minutesOf(list[i]!.start) < minutesOf(list[i - 1]!.end))
        ctx.addIssue({
          code: 'custom',
          message: `intervals overlap: ${list[i - 1]!.start}–${list[i - 1]!.end} and ${list[i]!.start}–${list[i]!.end}`,
        });
  });

const weekly = z
  .strictObject(
    Object.fromEntries(weekdays.map((d) => [d, intervals.optional()])) as Record<
      (typeof weekdays)[number],
      z.ZodOptional<typeof intervals>
    >,
  )
  .refine((w) => Object.values(w).some((day) => day && day.length > 0), 'a calendar needs at least one open interval in the week');

const holiday = z
  .strictObject({
    date: z.iso.date({ message: 'a date such as 2026-12-25' }),
    name: text(100).optional(),
    /** Open only in these hours that day (a half day); without them the day is closed. */
    hours: intervals.optional(),
  })
  .meta({ id: 'Holiday' });

/** An IANA zone such as Europe/Berlin, in its canonical spelling; fixed offsets ("+01:00") have no DST rules and are refused. */
const calendarZone = timeZone
  .refine((tz) => !/^[+-]/.test(tz), 'must be an IANA time zone such as Europe/Paris, not an offset')
  .transform((tz) => new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone);

export const calendarBody = z.strictObject({
  name: text(100),
  timeZone: calendarZone,
  /** Open intervals per weekday (mon … sun), wall-clock in the zone. */
  weekly,
  holidays: z
    .array(holiday)
    .max(400)
    .default([])
    .refine((h) => new Set(h.map((d) => d.date)).size === h.length, 'each holiday date at most once'),
  /** The tenant's default calendar: business-time targets that name no calendar count in it. */
  isDefault: z.boolean().default(false),
});
export type CalendarBody = z.output<typeof calendarBody>;

export const calendarResponse = z
  .object({
    id,
    version: z.number().int(),
    name: z.string(),
    timeZone: z.string(),
    weekly: z.record(z.string(), z.array(z.object({ start: z.string(), end: z.string() }))),
    holidays: z.array(
      z.object({
        date: z.string(),
        name: z.string().optional(),
        hours: z.array(z.object({ start: z.string(), end: z.string() })).optional(),
      }),
    ),
    isDefault: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'BusinessCalendar' });
export type Calendar = Omit<z.infer<typeof calendarResponse>, 'isDefault'> & Pick<CalendarBody, 'weekly'>;

export const calendarIdParams = z.strictObject({ id });

// ------------------------------------------------------------------- policies

export type SlaTarget = (typeof slaTargets)[number];
export type EscalationOn = 'warning' | 'breach';

/** The facts a policy's conditions match (an EventBridge pattern over this object). */
export const matchedFields = ['priority', 'category', 'channel', 'tier', 'tags'] as const;

const conditions = z
  .record(z.string(), z.unknown())
  .superRefine((pattern, ctx) => {
    const stray = Object.keys(pattern).filter((k) => k !== '$or' && !(matchedFields as readonly string[]).includes(k));
    if (stray.length) {
      ctx.addIssue({ code: 'custom', message: `conditions match ${matchedFields.join(', ')}; unknown field ${stray.join(', ')}` });
      return;
    }
    const checked = validatePattern(pattern);
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: `bad event pattern: ${checked.error}` });
  })
  .meta({ description: 'EventBridge event pattern over { priority, category, channel, tier, tags }' });

/** 30 days: the longest target, in business or calendar minutes. */
export const maxTargetMinutes = 30 * 24 * 60;

const targetSpec = z
  .strictObject({
    minutes: z.number().int().min(1).max(maxTargetMinutes),
    /** Business hours (of calendarId, else the tenant's default calendar; calendar time when it has none) or calendar time. */
    businessTime: z.boolean().default(true),
    calendarId: id.optional(),
  })
  .meta({ id: 'SlaTargetSpec' });
export type TargetSpec = z.output<typeof targetSpec>;

const action = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('reassign'), teamId: text(128), assigneeId: text(128).optional() }),
  z.strictObject({ type: z.literal('raise_priority'), to: z.enum(ticketPriorities) }),
  /** A transactional email to each address (a team lead, a manager), sent through messaging. */
  z.strictObject({ type: z.literal('notify'), emails: z.array(email).min(1).max(10) }),
]);
export type EscalationAction = z.output<typeof action>;

const step = z.strictObject({ on: z.enum(['warning', 'breach']), target: z.enum(slaTargets), action }).meta({ id: 'SlaEscalationStep' });
export type EscalationStep = z.output<typeof step>;

export const policyBody = z
  .strictObject({
    name: text(100),
    /** Matches every ticket when absent. */
    conditions: conditions.optional(),
    targets: z
      .strictObject({ firstResponse: targetSpec.optional(), nextResponse: targetSpec.optional(), resolution: targetSpec.optional() })
      .refine((t) => Object.values(t).some(Boolean), 'a policy needs at least one target'),
    /** A warning fires when this share of a target's time has passed. */
    warnAtPercent: z.number().int().min(1).max(99).default(80),
    escalation: z.array(step).max(20).default([]),
  })
  .superRefine((p, ctx) => {
    p.escalation.forEach((s, i) => {
      if (!p.targets[s.target])
        ctx.addIssue({ code: 'custom', path: ['escalation', i, 'target'], message: `the policy has no ${s.target} target` });
    });
  });
export type PolicyBody = z.output<typeof policyBody>;

export const policyResponse = z
  .object({
    id,
    version: z.number().int(),
    name: z.string(),
    /** The built-in fallback every tenant has: matches every ticket, always last, cannot be deleted. */
    isDefault: z.boolean(),
    conditions: z.record(z.string(), z.unknown()).optional(),
    targets: z.object({
      firstResponse: z.object({ minutes: z.number().int(), businessTime: z.boolean(), calendarId: z.string().optional() }).optional(),
      nextResponse: z.object({ minutes: z.number().int(), businessTime: z.boolean(), calendarId: z.string().optional() }).optional(),
      resolution: z.object({ minutes: z.number().int(), businessTime: z.boolean(), calendarId: z.string().optional() }).optional(),
    }),
    warnAtPercent: z.number().int(),
    escalation: z.array(
      z.object({ on: z.enum(['warning', 'breach']), target: z.enum(slaTargets), action: z.record(z.string(), z.unknown()) }),
    ),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SlaPolicy' });
export type Policy = Omit<z.infer<typeof policyResponse>, 'targets' | 'escalation'> & Pick<PolicyBody, 'targets' | 'escalation'>;

export const policyIdParams = z.strictObject({ id });

export const policyOrderBody = z.strictObject({
  /** Every policy but the default one, in the order they are tried; the default one is always tried last. */
  ids: z
    .array(id)
    .max(100)
    .refine((ids) => new Set(ids).size === ids.length, 'each policy once'),
});
export const policyOrderResponse = z.object({ ids: z.array(z.string()), version: z.number().int() }).meta({ id: 'SlaPolicyOrder' });
export type PolicyOrder = z.infer<typeof policyOrderResponse>;

export const policyListResponse = z.object({ items: z.array(policyResponse), nextCursor: z.string().optional() });
