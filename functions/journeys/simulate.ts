import type { z } from 'zod';
import { applyPatch } from '../../shared/domain/patch.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { newId } from '../../shared/ports/ids.ts';
import { type Contact, contactEventData, newContact } from '../contacts/api.ts';
import {
  type CapCounter,
  type MessagingSettings,
  messagingApi,
  type Purpose,
  type SendChannel,
  type SkipReason,
} from '../messaging/api.ts';
import { tasksApi } from '../tasks/api.ts';
import type { Effects, SendOutcome } from './effects.ts';
import { journeyEngine, type Observation } from './engine.ts';
import { memoryStore } from './memory-store.ts';
import type { WakeJob } from './run.ts';
import type { JourneyVersion, SimulationResult, simulateBody } from './schemas.ts';
import { inSegment } from './segment.ts';

type SimulateInput = z.output<typeof simulateBody>;
type Message = SimulationResult['messages'][number];

/** What the dry run reads of the tenant's messaging, and only reads: its settings and its suppression list. */
export interface SimulatedMessaging {
  settings: MessagingSettings;
  suppressed(channel: SendChannel, address: string): Promise<boolean>;
}

const tenantId = 'simulation';
/** Enough to play any real journey through; a loop with waits stops here instead of forever. */
const maxWakeUps = 1000;
/** Events whose data describes the contact: the simulated one, as the contacts service would publish it. */
const contactEvents = new Set(['contact.created', 'contact.updated']);

const simulatedContact = (input: SimulateInput['contact'], at: string): Contact => newContact(input, 'simulation', at);

const addressName = (channel: SendChannel) => (channel === 'email' ? 'email address' : 'phone number');
const skipReasons: Record<
  Extract<SkipReason, 'no-address' | 'no-consent' | 'suppressed'>,
  (channel: SendChannel, purpose: Purpose) => string
> = {
  'no-address': (channel) => `the contact has no ${addressName(channel)}`,
  'no-consent': (channel, purpose) => `no ${channel} consent for ${purpose}`,
  suppressed: (channel) => `the contact's ${addressName(channel)} is on the suppression list`,
};
const capReached = (purpose: Purpose, cap: CapCounter) =>
  `the ${purpose} frequency cap of ${cap.limit} per ${cap.bucket.startsWith('D') ? 'day' : 'week'} is reached`;

/**
 * The dry run: the real engine over an in-memory store, a simulated clock
 * and stand-in effects, so nothing is sent or written. Every send goes
 * through messaging's own policy with the tenant's settings and suppression
 * list: sent, deferred by quiet hours, or skipped (address, consent,
 * suppression, frequency caps). Caps count the simulated sends only: the
 * simulated contact has no history.
 */
export const simulate = async (
  version: JourneyVersion,
  input: SimulateInput,
  start: Date,
  messaging: SimulatedMessaging,
): Promise<SimulationResult> => {
  let now = start;
  const contact = simulatedContact(input.contact, start.toISOString());
  const timers = new Map<string, { at: Date; job: WakeJob }>();
  const messages: Message[] = [];
  const path: SimulationResult['path'] = [];
  const skipped: SimulationResult['skipped'] = [];
  let refusal: string | undefined;

  const reports = new Map<string, Message>();
  const capCounts = new Map<string, number>();

  /** What messaging would do with the send now; a deferred one is played through at the end of the quiet hours, as messaging resumes it. */
  const send = async (stepId: string, channel: SendChannel, purpose: Purpose, detail: Partial<Message>): Promise<SendOutcome> => {
    const messageId = `simulated-${reports.size + 1}`;
    const to = messagingApi.policy.addressOf(contact, channel);
    const policy = {
      channel,
      purpose,
      contact,
      suppressed: to ? await messaging.suppressed(channel, to) : false,
      settings: messaging.settings,
    };
    const verdict = messagingApi.policy.decide({ ...policy, now });
    const until = verdict.kind === 'defer' ? verdict.until.toISOString() : undefined;
    const final = verdict.kind === 'defer' ? messagingApi.policy.decide({ ...policy, now: verdict.until }) : verdict;
    const full = final.kind === 'send' ? final.caps.find((cap) => (capCounts.get(cap.bucket) ?? 0) >= cap.limit) : undefined;
    if (final.kind === 'send' && !full) for (const cap of final.caps) capCounts.set(cap.bucket, (capCounts.get(cap.bucket) ?? 0) + 1);

    const held = until ? `held by quiet hours until ${until}, then ` : '';
    const fate: Pick<Message, 'status' | 'until' | 'reason'> =
      final.kind === 'skip'
        ? { status: 'skipped', reason: skipReasons[final.reason](channel, purpose) }
        : full
          ? { status: 'skipped', reason: `${held}${capReached(purpose, full)}` }
          : until
            ? { status: 'deferred', until, reason: 'quiet hours' }
            : { status: 'sent' };
    const report: Message = { at: now.toISOString(), stepId, channel, purpose, ...detail, ...fate };
    messages.push(report);
    reports.set(messageId, report);
    // The engine hears what messaging answers at the time of the send.
    if (until) return { status: 'deferred', messageId, until };
    if (verdict.kind === 'skip') return { status: 'skipped', reason: verdict.reason, messageId };
    return full ? { status: 'skipped', reason: 'frequency-cap', messageId } : { status: 'sent', messageId };
  };
  const stepOf = (runId: string) => mem.runs().find((r) => r.id === runId)?.at?.stepId ?? '';

  const effects: Effects = {
    now: () => now,
    contact: async () => structuredClone(contact),
    // A simulated contact takes part in no deal.
    openDeals: async () => [],
    async updateContact(_tenant, _contact, patch) {
      Object.assign(contact, applyPatch(contact, patch, now.toISOString()));
    },
    sendMessage: async (r) => send(stepOf(r.runId), r.channel, r.purpose, { templateId: r.templateId }),
    sendSurvey: async (r) => ({ sendId: 'simulated', outcome: await send(stepOf(r.runId), 'email', 'surveys', { kind: r.kind }) }),
    createTask: async () => undefined,
    nextBusinessDay: (from, timeZone) => tasksApi.nextBusinessDay({ from, timeZone }),
    async schedule(job) {
      if (!timers.has(job.name)) timers.set(job.name, { at: job.at, job: job.payload as WakeJob });
    },
    async cancel(name) {
      timers.delete(name);
    },
  };

  const observe = (o: Observation) => {
    const at = now.toISOString();
    if (o.kind === 'refused')
      refusal = o.reason === 'reentry' ? 'the re-entry policy refused the contact' : 'the trigger already enrolled the contact';
    if (o.kind === 'ended' && (o.reason === 'goal' || o.reason === 'contact_deleted')) {
      path.push({ at, stepId: '', type: 'goal', outcome: 'exited', detail: o.goal ? `exit goal ${o.goal} reached` : o.reason });
    }
    if (o.kind !== 'step') return;
    const { step, result } = o;
    if (result.kind === 'wait') {
      const { until, eventType } = result.waiting;
      path.push({
        at,
        stepId: step.id,
        type: step.type,
        outcome: 'waiting',
        detail: eventType ? `for ${eventType} until ${until}` : `until ${until}`,
      });
      return;
    }
    const { status, reason, goto, messageId } = result.state;
    const message = messageId ? reports.get(messageId) : undefined;
    const detail = message
      ? message.until
        ? `${message.reason}: sent at ${message.until}`
        : message.reason
      : reason && goto
        ? `${reason}: to ${goto}`
        : reason;
    path.push({ at, stepId: step.id, type: step.type, outcome: status, ...(detail ? { detail } : {}) });
    if (status === 'skipped') skipped.push({ stepId: step.id, reason: detail ?? 'skipped' });
  };

  const mem = memoryStore();
  mem.addVersion(tenantId, version);
  const engine = journeyEngine({ store: mem.store, effects, observe });

  if (version.trigger.type === 'schedule') {
    if (inSegment(contact, version.trigger.segment))
      await engine.enrol(version, tenantId, contact.id, { type: 'schedule', eventId: 'simulation', data: {} }, contact);
    else refusal = 'the contact is not in the journey’s segment';
  }

  // A journey on contact.created starts when the contact is created: the simulated contact is, at the start.
  const created =
    version.trigger.type === 'event' &&
    version.trigger.eventType === 'contact.created' &&
    !input.events.some((e) => e.type === 'contact.created');
  let last = start;
  const events: DomainEvent[] = [...(created ? [{ type: 'contact.created', data: {} }] : []), ...input.events].map((e) => {
    last = 'at' in e && e.at ? new Date(e.at) : last;
    return { id: newId(), type: e.type, version: 1, tenantId, occurredAt: last.toISOString(), data: e.data };
  });
  events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));

  for (let n = 0; n < maxWakeUps; n++) {
    const timer = [...timers.entries()].sort(([, a], [, b]) => a.at.getTime() - b.at.getTime())[0];
    const event = events[0];
    if (event && (!timer || event.occurredAt <= timer[1].at.toISOString())) {
      events.shift();
      now = new Date(Math.max(now.getTime(), Date.parse(event.occurredAt)));
      const about = contactEvents.has(event.type) ? contactEventData(contact) : {};
      await engine.handleEvent({ ...event, data: { ...about, ...event.data, contactId: contact.id } });
    } else if (timer) {
      timers.delete(timer[0]);
      now = new Date(Math.max(now.getTime(), timer[1].at.getTime()));
      await engine.wake(timer[1].job);
    } else break;
  }

  const run = mem.runs()[0];
  const reached = new Set(path.map((p) => p.stepId));
  const why = !run
    ? undefined
    : run.status === 'active'
      ? `the run is still at "${run.at?.stepId}"`
      : run.end?.reason === 'goal'
        ? `the run ended on goal ${run.end.goal}`
        : 'the run ended before it';
  if (run) for (const step of version.steps) if (!reached.has(step.id)) skipped.push({ stepId: step.id, reason: `not reached: ${why}` });
  const result = !run
    ? 'not_enrolled'
    : run.status === 'active'
      ? 'waiting'
      : run.end?.reason === 'goal' || run.end?.reason === 'contact_deleted' || run.end?.reason === 'loop_limit'
        ? 'exited'
        : 'completed';
  const reason = !run
    ? (refusal ?? 'no event matched the trigger')
    : run.end
      ? `${run.end.reason}${run.end.goal ? `: ${run.end.goal}` : ''}`
      : undefined;
  return { version: version.version, enrolled: Boolean(run), result, ...(reason ? { reason } : {}), path, messages, skipped };
};
