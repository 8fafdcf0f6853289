import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { liveEffects } from '../functions/journeys/live-effects.ts';
import type { BusEvent } from '../infra/local/bus.ts';
import { invoke } from '../infra/local/functions.ts';
import type { ManualClock } from '../infra/local/manual-clock.ts';
import type { Runtime } from '../infra/local/runtime.ts';
import { useBus } from '../shared/ports/bus.ts';
import { type Meter, type Usage, unlabelled, withLabel } from './dynamo-meter.ts';
import { consentedToEmail, emailTemplate, tenantApi } from './journey-api.ts';
import { labelCalls } from './label-calls.ts';
import type { Section } from './report.ts';
import { failures, since, snapshot, sum, usageTable } from './usage-table.ts';

export interface EngineUsage {
  /** Engine work of the enrolment and its first step, the messaging send left out. */
  enrolment: Usage;
  /** The send_email step's call into messaging. */
  send: Usage;
  /** What the events the enrolment caused cost their subscribers. */
  enrolmentDownstream: Usage;
  /** The scheduler job that ends a wait, through the engine. */
  wake: Usage;
  wakeDownstream: Usage;
}

const tenant = 'bench-engine';
const waitMs = 2 * 3_600_000;

/**
 * One contact through a journey `send_email → wait PT2H`, metered in two
 * parts. The contact is created before the journey is active, so the bus's
 * own delivery of its contact.created enrols nobody; the journeys subscriber
 * is then handed the same event under a label, once the journey is active,
 * exactly as the bus would deliver it. The wake-up runs inside the labelled
 * clock advance that fires the scheduler job.
 */
export const measureEngineUsage = async (rt: Runtime, clock: ManualClock, meter: Meter): Promise<EngineUsage> => {
  const call = await tenantApi(rt, tenant);
  const templateId = await emailTemplate(call, 'Welcome');
  const { id: journeyId } = await call('POST', '/journeys', 201, {
    name: 'Welcome, then wait (bench)',
    trigger: { type: 'event', eventType: 'contact.created', filter: consentedToEmail },
    steps: [
      { id: 'welcome', type: 'send_email', templateId },
      { id: 'pause', type: 'wait', duration: 'PT2H' },
    ],
  });

  let createdEvent: BusEvent | undefined;
  const stopListening = rt.bus.onEvent((e) => {
    if (e['detail-type'] === 'contact.created' && e.detail.tenantId === tenant) createdEvent = e;
  });
  const email = 'engine@bench.example';
  await call('POST', '/contacts', 201, { firstName: 'Ada', email, consent: { email: { marketing: true } } });
  await rt.settle();
  stopListening();
  const event = createdEvent;
  if (!event) throw new Error('the contact.created event never reached the bus');
  await call('POST', `/journeys/${journeyId}/activate`, 200);
  await rt.settle();

  /**
   * Runs the labelled work with the events it writes held back from the bus
   * (they would otherwise nudge the same run while it is still moving, and
   * the figures would depend on who wins), then delivers them and gives what
   * their subscribers cost.
   */
  const alone = async (work: () => Promise<unknown>) => {
    const held: PutEventsRequestEntry[][] = [];
    useBus({
      publish: async (entries) => {
        held.push(entries);
        return [];
      },
    });
    try {
      await work();
      await rt.settle(); // the relay reads what the work wrote into `held`
    } finally {
      useBus(rt.bus);
    }
    const before = snapshot(meter.usage(unlabelled));
    for (const entries of held) await rt.bus.publish(entries);
    await rt.settle();
    return since(meter.usage(unlabelled), before);
  };

  const restore = labelCalls(liveEffects, 'sendMessage', 'engine: send step');
  let enrolmentDownstream: Usage;
  try {
    enrolmentDownstream = await alone(() => withLabel('engine: enrolment', () => invoke('journeys', 'subscriber', event, 30_000)));
  } finally {
    restore();
  }
  const emails = rt.outbox.messages().filter((m) => m.channel === 'email' && m.email.to === email).length;
  if (emails !== 1) throw new Error(`the enrolment sent ${emails} emails, expected 1`);
  if (!rt.scheduler.pending().some((job) => job.target === 'journeys')) throw new Error('the run is not waiting on a scheduler job');

  const wakeDownstream = await alone(() => withLabel('engine: wake', () => clock.advance(waitMs)));
  const { totals } = await call('GET', `/journeys/${journeyId}/stats`, 200);
  if (totals.completed !== 1) throw new Error(`the run did not complete after its wait: ${JSON.stringify(totals)}`);

  return {
    enrolment: snapshot(meter.usage('engine: enrolment')),
    send: snapshot(meter.usage('engine: send step')),
    enrolmentDownstream,
    wake: snapshot(meter.usage('engine: wake')),
    wakeDownstream,
  };
};

export const engineUsageSection = (u: EngineUsage): Section => {
  const rows = [
    {
      what: 'enrolment on contact.created, engine: the contact’s runs, trigger lookup, enrolment, claims and commits of the send and wait steps',
      usage: u.enrolment,
    },
    { what: 'first step, send_email: messaging (policy reads, claim, log, timeline)', usage: u.send },
    { what: '**enrolment + first send step**', usage: sum(u.enrolment, u.send) },
    { what: 'events they caused, at their subscribers (relay → bus → journeys, …)', usage: u.enrolmentDownstream },
    { what: '**wait step wake-up** (scheduler job → engine; the run completes)', usage: u.wake },
    { what: 'events the wake-up caused, at their subscribers', usage: u.wakeDownstream },
  ];
  const failed = failures(rows);
  return {
    title: 'DynamoDB requests per enrolment and per step (journey engine)',
    body: `${usageTable(rows)}

- One contact through an active journey \`send_email → wait PT2H\` triggered by contact.created with email consent, one piece of work at a time, on a manual clock. The engine's calls are labelled by running the journeys subscriber (with the contact.created event as the bus delivered it) and the clock advance that fires the wait's scheduler job inside a label; the send step's call into messaging is labelled apart by wrapping the engine's \`sendMessage\` effect for the measurement.
- The events each piece of work writes are held back from the bus until it has finished (swapping the bus port for the measurement), then delivered: otherwise they reach the journey engine while the run is still between steps, nudge it on concurrently, and the counts depend on who wins. "Events they caused" is what the subscribers then did with DynamoDB (message.sent and the timeline entry's activity.logged, each delivered to the journey engine, which looks for the contact's runs and the journeys the event triggers).
- RCU and WCU as in the per-route table above: reported by DynamoDB Local, transaction WCU recomputed per item with the touched items read first (uncounted).${failed.length ? `\n- Failed requests (expected): ${failed.join('; ')}.` : ''}`,
  };
};
