import type { z } from 'zod';
import { applyPatch } from '../../shared/domain/patch.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { newId } from '../../shared/ports/ids.ts';
import { newContact } from '../contacts/new-contact.ts';
import type { Contact } from '../contacts/schemas.ts';
import { addressOf, hasConsent } from '../messaging/policy.ts';
import type { Purpose } from '../messaging/schemas.ts';
import { nextBusinessDay } from '../tasks/business-day.ts';
import type { Effects, SendOutcome } from './effects.ts';
import { journeyEngine, type Observation } from './engine.ts';
import { memoryStore } from './memory-store.ts';
import type { WakeJob } from './run.ts';
import type { JourneyVersion, SimulationResult, simulateBody } from './schemas.ts';
import { inSegment } from './segment.ts';

type SimulateInput = z.output<typeof simulateBody>;
type Message = SimulationResult['messages'][number];

const tenantId = 'simulation';
/** Enough to play any real journey through; a loop with waits stops here instead of forever. */
const maxWakeUps = 1000;

const simulatedContact = (input: SimulateInput['contact'], at: string): Contact => newContact(input, 'simulation', at);

const skipReasons: Record<string, (channel: 'email' | 'sms', purpose: string) => string> = {
  'no-address': (channel) => `the contact has no ${channel === 'email' ? 'email address' : 'phone number'}`,
  'no-consent': (channel, purpose) => `no ${channel} consent for ${purpose}`,
};

/**
 * The dry run: the real engine over an in-memory store, a simulated clock
 * and stand-in effects, so nothing is sent or written. Sends are predicted
 * from the contact's address and consent (messaging's own rules);
 * suppression, frequency caps and quiet hours depend on live data and are
 * not simulated.
 */
export const simulate = async (version: JourneyVersion, input: SimulateInput, start: Date): Promise<SimulationResult> => {
  let now = start;
  const contact = simulatedContact(input.contact, start.toISOString());
  const timers = new Map<string, { at: Date; job: WakeJob }>();
  const messages: Message[] = [];
  const path: SimulationResult['path'] = [];
  const skipped: SimulationResult['skipped'] = [];
  let refusal: string | undefined;

  const send = (stepId: string, channel: 'email' | 'sms', purpose: Purpose, detail: Partial<Message>): SendOutcome => {
    const reason = !addressOf(contact, channel) ? 'no-address' : !hasConsent(contact, channel, purpose) ? 'no-consent' : undefined;
    if (reason) return { status: 'skipped', reason };
    messages.push({ at: now.toISOString(), stepId, channel, purpose, ...detail });
    return { status: 'sent', messageId: `simulated-${messages.length}` };
  };
  const stepOf = (runId: string) => mem.runs().find((r) => r.id === runId)?.at?.stepId ?? '';

  const effects: Effects = {
    now: () => now,
    contact: async () => structuredClone(contact),
    async updateContact(_tenant, _contact, patch) {
      Object.assign(contact, applyPatch(contact, patch, now.toISOString()));
    },
    sendMessage: async (r) => send(stepOf(r.runId), r.channel, r.purpose, { templateId: r.templateId }),
    sendSurvey: async (r) => ({ sendId: 'simulated', outcome: send(stepOf(r.runId), 'email', 'surveys', { kind: r.kind }) }),
    createTask: async () => undefined,
    nextBusinessDay: (from, timeZone) => nextBusinessDay(from, timeZone),
    async schedule(job) {
      if (!timers.has(job.name)) timers.set(job.name, { at: job.at, job: job.payload as WakeJob });
    },
    async cancel(name) {
      timers.delete(name);
    },
  };

  const observe = (o: Observation) => {
    const at = now.toISOString();
    if (o.kind === 'refused') refusal = o.reason === 'reentry' ? 'the re-entry policy refused the contact' : 'the trigger already enrolled the contact';
    if (o.kind === 'ended' && (o.reason === 'goal' || o.reason === 'contact_deleted')) {
      path.push({ at, stepId: '', type: 'goal', outcome: 'exited', detail: o.goal ? `exit goal ${o.goal} reached` : o.reason });
    }
    if (o.kind !== 'step') return;
    const { step, result } = o;
    if (result.kind === 'wait') {
      const { until, eventType } = result.waiting;
      path.push({ at, stepId: step.id, type: step.type, outcome: 'waiting', detail: eventType ? `for ${eventType} until ${until}` : `until ${until}` });
      return;
    }
    const { status, reason, goto } = result.state;
    const detail = status === 'skipped' && reason ? (skipReasons[reason]?.(step.type === 'send_sms' ? 'sms' : 'email', 'purpose' in step ? step.purpose : 'surveys') ?? reason) : reason && goto ? `${reason}: to ${goto}` : reason;
    path.push({ at, stepId: step.id, type: step.type, outcome: status, ...(detail ? { detail } : {}) });
    if (status === 'skipped') skipped.push({ stepId: step.id, reason: detail ?? 'skipped' });
  };

  const mem = memoryStore();
  mem.addVersion(tenantId, version);
  const engine = journeyEngine({ store: mem.store, effects, observe });

  if (version.trigger.type === 'schedule') {
    if (inSegment(contact, version.trigger.segment)) await engine.enrol(version, tenantId, contact.id, { type: 'schedule', eventId: 'simulation', data: {} }, contact);
    else refusal = 'the contact is not in the journey’s segment';
  }

  let last = start;
  const events: DomainEvent[] = input.events.map((e) => {
    last = e.at ? new Date(e.at) : last;
    return { id: newId(), type: e.type, version: 1, tenantId, occurredAt: last.toISOString(), data: { ...e.data, contactId: contact.id } };
  });
  events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));

  for (let n = 0; n < maxWakeUps; n++) {
    const timer = [...timers.entries()].sort(([, a], [, b]) => a.at.getTime() - b.at.getTime())[0];
    const event = events[0];
    if (event && (!timer || event.occurredAt <= timer[1].at.toISOString())) {
      events.shift();
      now = new Date(Math.max(now.getTime(), Date.parse(event.occurredAt)));
      await engine.handleEvent(event);
    } else if (timer) {
      timers.delete(timer[0]);
      now = new Date(Math.max(now.getTime(), timer[1].at.getTime()));
      await engine.wake(timer[1].job);
    } else break;
  }

  const run = mem.runs()[0];
  const reached = new Set(path.map((p) => p.stepId));
  const why = !run ? undefined : run.status === 'active' ? `the run is still at "${run.at?.stepId}"` : run.end?.reason === 'goal' ? `the run ended on goal ${run.end.goal}` : 'the run ended before it';
  if (run) for (const step of version.steps) if (!reached.has(step.id)) skipped.push({ stepId: step.id, reason: `not reached: ${why}` });
  const result = !run ? 'not_enrolled' : run.status === 'active' ? 'waiting' : run.end?.reason === 'goal' || run.end?.reason === 'contact_deleted' || run.end?.reason === 'loop_limit' ? 'exited' : 'completed';
  const reason = !run ? (refusal ?? 'no event matched the trigger') : run.end ? `${run.end.reason}${run.end.goal ? `: ${run.end.goal}` : ''}` : undefined;
  return { version: version.version, enrolled: Boolean(run), result, ...(reason ? { reason } : {}), path, messages, skipped };
};
