import { instantAt, nextDay, wallTime } from '../../shared/domain/zoned-time.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { matchesPattern } from '../../shared/events/pattern.ts';
import type { Contact, ContactPatch } from '../contacts/api.ts';
import { nextOf } from './definition.ts';
import { addDuration } from './duration.ts';
import type { Effects, OpenDeal, SendOutcome } from './effects.ts';
import type { Counter, Cursor, Resume, Run, StepState, Waiting } from './run.ts';
import type { ContactChange, Step, StepOf } from './schemas.ts';

type MessageCounter = Extract<Counter, 'sent' | 'failed' | 'skipped' | 'deferred'>;

/** What executing the run's current step decided. */
export type StepResult =
  /** Done; the run goes on at `to`, or is complete when there is none. */
  | { kind: 'next'; to: string | undefined; state: StepState; count?: MessageCounter }
  /** The run rests here until the timer, or the awaited event, wakes it. */
  | { kind: 'wait'; waiting: Waiting }
  /** An exit step: the run is complete. */
  | { kind: 'end'; state: StepState }
  /** The wake-up was not for this step (an event that does not match); nothing changes. */
  | { kind: 'ignore' };

export interface StepContext {
  run: Run;
  cursor: Cursor;
  step: Step;
  steps: readonly Step[];
  contact: Contact;
  resume?: Resume;
  effects: Effects;
  now: Date;
  /** Claims the step before its side effects; gives what the first claim stored. */
  claim: (data: Record<string, unknown>) => Promise<Record<string, unknown>>;
}

/** Stable per run, step and visit: a retried step sends, creates or asks once. */
export const dedupeKey = (run: Run, cursor: Cursor) => `journey:${run.id}:${cursor.stepId}:${cursor.visit}`;
/** The scheduler job that wakes the run at this step and visit: scheduling it again is a no-op. */
const scheduleName = (run: Run, cursor: Cursor) => `j-${run.id}-${cursor.visit}-${cursor.stepId}`;

/** An event that names a run (message and survey events do) concerns that run only. */
export const concerns = (event: DomainEvent, runId: string) => typeof event.data.runId !== 'string' || event.data.runId === runId;

/**
 * What a condition knows of the contact's deals, read when it asks: how many
 * are open, their stages, and whether one moved on (entered its stage) since
 * the run began.
 */
export const dealFacts = (deals: OpenDeal[], enteredAt: string) => ({
  open: deals.length,
  stageIds: [...new Set(deals.map((d) => d.stageId))],
  movedOn: deals.some((d) => d.stageEnteredAt > enteredAt),
});

/** Whether a condition names `deals` (at its top or in an `$or`): only then are the deals read. */
const asksDeals = (when: unknown): boolean =>
  typeof when === 'object' &&
  when !== null &&
  ('deals' in when || (Array.isArray((when as { $or?: unknown }).$or) && (when as { $or: unknown[] }).$or.some(asksDeals)));

/** What branch conditions match: `{ contact, run: { trigger: { type, data }, steps: { <id>: StepState } }, deals? }`. */
const branchFacts = (contact: Contact, run: Run, deals?: OpenDeal[]) => ({
  contact,
  run: { trigger: { type: run.trigger.type, data: run.trigger.data }, steps: run.steps },
  ...(deals && { deals: dealFacts(deals, run.enteredAt) }),
});

/** The next time the contact's clocks show `time` (HH:MM), strictly after `now`. */
const nextLocalTime = (now: Date, time: string, timeZone: string): Date => {
  const [hour, minute] = time.split(':').map(Number);
  const today = { ...wallTime(now, timeZone), hour: hour!, minute: minute! };
  const at = instantAt(today, timeZone);
  return at > now ? at : instantAt(nextDay(today), timeZone);
};

/** The contact patch an update_contact step (or a goal) makes; empty when the contact already looks like that. */
export const contactPatch = (contact: Contact, change: ContactChange): ContactPatch => {
  const patch: Record<string, unknown> = {};
  if (change.lifecycleStage && change.lifecycleStage !== contact.lifecycleStage) patch.lifecycleStage = change.lifecycleStage;
  if (change.addTags || change.removeTags) {
    const tags = [...new Set([...contact.tags, ...(change.addTags ?? [])])].filter((t) => !change.removeTags?.includes(t));
    if (tags.join('\n') !== contact.tags.join('\n')) patch.tags = tags;
  }
  if (change.attributes) patch.attributes = change.attributes;
  return patch as ContactPatch;
};

const sendState = (outcome: SendOutcome, at: string): StepState => {
  const state: StepState = { status: outcome.status, at };
  if ('messageId' in outcome && outcome.messageId) state.messageId = outcome.messageId;
  if ('reason' in outcome) state.reason = outcome.reason;
  return state;
};

/** The counter a send moves; none when messaging says an earlier attempt of this very step already handled it. */
const countOf = (outcome: SendOutcome): MessageCounter | undefined =>
  outcome.status === 'skipped' && outcome.reason === 'duplicate' ? undefined : outcome.status;

/** The resting phase of a timed step: the wait it starts, or undefined once its time has come. */
const rest = async (ctx: StepContext, until: () => Date): Promise<StepResult | undefined> => {
  if (ctx.resume?.by === 'timer') return undefined;
  const claimed = String((await ctx.claim({ until: until().toISOString() })).until);
  if (claimed <= ctx.now.toISOString()) return undefined;
  return { kind: 'wait', waiting: { kind: 'timer', until: claimed, schedule: scheduleName(ctx.run, ctx.cursor) } };
};

const send = async (ctx: StepContext, step: StepOf<'send_email'> | StepOf<'send_sms'>): Promise<StepResult> => {
  await ctx.claim({});
  const outcome = await ctx.effects.sendMessage({
    tenantId: ctx.run.tenantId,
    contactId: ctx.run.contactId,
    channel: step.type === 'send_email' ? 'email' : 'sms',
    purpose: step.purpose,
    templateId: step.templateId,
    dedupeKey: dedupeKey(ctx.run, ctx.cursor),
    journeyId: ctx.run.journeyId,
    runId: ctx.run.id,
    contact: ctx.contact,
  });
  return { kind: 'next', to: nextOf(ctx.steps, step), state: sendState(outcome, ctx.now.toISOString()), count: countOf(outcome) };
};

const waitForEvent = async (ctx: StepContext, step: StepOf<'wait_for_event'>): Promise<StepResult> => {
  const at = ctx.now.toISOString();
  const { resume, run } = ctx;
  if (resume?.by === 'event') {
    const { event } = resume;
    const matches =
      event.type === step.eventType &&
      event.id !== run.trigger.eventId &&
      concerns(event, run.id) &&
      (!step.filter || matchesPattern(step.filter, event.data));
    if (!matches) return { kind: 'ignore' };
    return {
      kind: 'next',
      to: nextOf(ctx.steps, step),
      state: { status: 'event', at, event: { type: event.type, id: event.id, data: event.data } },
    };
  }
  const timeout: StepResult = { kind: 'next', to: step.onTimeout, state: { status: 'timed_out', at } };
  if (resume?.by === 'timer') return timeout;
  const until = String((await ctx.claim({ until: addDuration(ctx.now, step.timeout).toISOString() })).until);
  if (until <= at) return timeout;
  return { kind: 'wait', waiting: { kind: 'event', eventType: step.eventType, until, schedule: scheduleName(run, ctx.cursor) } };
};

/** Runs the run's current step; side effects happen only after the step is claimed, with a dedupe key stable across retries. */
export const executeStep = async (ctx: StepContext): Promise<StepResult> => {
  const { step, run, contact, effects, now } = ctx;
  const at = now.toISOString();
  if (ctx.resume?.by === 'event' && step.type !== 'wait_for_event') return { kind: 'ignore' };
  switch (step.type) {
    case 'send_email':
    case 'send_sms':
      return send(ctx, step);
    case 'wait':
      return (
        (await rest(ctx, () => addDuration(now, step.duration))) ?? {
          kind: 'next',
          to: nextOf(ctx.steps, step),
          state: { status: 'waited', at },
        }
      );
    case 'wait_until':
      return (
        (await rest(ctx, () => nextLocalTime(now, step.time, contact.timeZone ?? 'UTC'))) ?? {
          kind: 'next',
          to: nextOf(ctx.steps, step),
          state: { status: 'waited', at },
        }
      );
    case 'wait_for_event':
      return waitForEvent(ctx, step);
    case 'branch': {
      const deals = step.conditions.some((c) => asksDeals(c.when)) ? await effects.openDeals(run.tenantId, run.contactId) : undefined;
      const facts = branchFacts(contact, run, deals);
      const matched = step.conditions.findIndex((c) => matchesPattern(c.when, facts));
      const goto = matched >= 0 ? step.conditions[matched]!.goto : step.otherwise;
      const reason = matched >= 0 ? `condition ${matched + 1} matched` : 'no condition matched';
      return { kind: 'next', to: goto, state: { status: 'branched', at, goto, reason } };
    }
    case 'create_task': {
      if (!contact.ownerId)
        return { kind: 'next', to: nextOf(ctx.steps, step), state: { status: 'skipped', at, reason: 'the contact has no owner' } };
      const due = () =>
        step.due === 'next_business_day' ? effects.nextBusinessDay(now, contact.timeZone ?? 'UTC') : addDuration(now, step.due);
      const { dueAt } = await ctx.claim({ dueAt: due().toISOString() });
      const taskId = await effects.createTask({
        tenantId: run.tenantId,
        contactId: run.contactId,
        ownerId: contact.ownerId,
        title: step.title,
        notes: step.notes,
        dueAt: String(dueAt),
        dedupeKey: dedupeKey(run, ctx.cursor),
        journeyId: run.journeyId,
      });
      return { kind: 'next', to: nextOf(ctx.steps, step), state: { status: 'created', at, ...(taskId ? { taskId } : {}) } };
    }
    case 'update_contact': {
      await ctx.claim({});
      const patch = contactPatch(contact, step);
      const changed = Object.keys(patch).length > 0;
      if (changed) await effects.updateContact(run.tenantId, run.contactId, patch, run.journeyId);
      return { kind: 'next', to: nextOf(ctx.steps, step), state: { status: changed ? 'updated' : 'unchanged', at } };
    }
    case 'send_survey': {
      const resting = step.delay && (await rest(ctx, () => addDuration(now, step.delay!)));
      if (resting) return resting;
      await ctx.claim({});
      const { sendId, outcome } = await effects.sendSurvey({
        tenantId: run.tenantId,
        contactId: run.contactId,
        kind: step.kind,
        question: step.question,
        commentPrompt: step.commentPrompt,
        dedupeKey: dedupeKey(run, ctx.cursor),
        expiresInDays: step.expiresInDays,
        journeyId: run.journeyId,
        runId: run.id,
        ...(run.trigger.type === 'ticket.resolved' &&
          typeof run.trigger.data.ticketId === 'string' && { ticketId: run.trigger.data.ticketId }),
      });
      return { kind: 'next', to: nextOf(ctx.steps, step), state: { ...sendState(outcome, at), sendId }, count: countOf(outcome) };
    }
    case 'exit':
      return { kind: 'end', state: { status: 'exited', at } };
  }
};
