import type { Runtime } from '../infra/local/runtime.ts';
import { useMessages } from '../shared/ports/messages.ts';
import { activeJourney, consentedToEmail, emailTemplate, tenantApi } from './journey-api.ts';
import { runPool } from './pool.ts';
import { num, percentile, type Section, table } from './report.ts';

export interface PipelineResult {
  contacts: number;
  concurrency: number;
  /** First create sent → last create answered. */
  writeMs: number;
  /** First create sent → last welcome email in the outbox. */
  endToEndMs: number;
  /** Per contact: its create answered 201 → its email in the outbox. */
  delays: number[];
  /** Every event the run put on the bus until all was relayed and delivered, and when that was. */
  busEvents: Record<string, number>;
  settledMs: number;
}

const tenant = 'bench-pipeline';

/**
 * Contacts created through the API, each enrolled by an active welcome
 * journey whose first step emails them: relay → bus → journey engine →
 * messaging → the local outbox, timed from the first write to the last email.
 */
export const measurePipeline = async (rt: Runtime, contacts: number, concurrency: number): Promise<PipelineResult> => {
  const call = await tenantApi(rt, tenant);
  const templateId = await emailTemplate(call, 'Welcome');
  await activeJourney(call, {
    name: 'Welcome (bench)',
    trigger: { type: 'event', eventType: 'contact.created', filter: consentedToEmail },
    steps: [{ id: 'welcome', type: 'send_email', templateId }],
  });
  await rt.settle();

  // The outbox stamps messages with the runtime's (manual) clock: time them here, as they arrive.
  const emailed = new Map<string, number>();
  useMessages({
    sendEmail: async (email) => {
      const sent = await rt.outbox.sendEmail(email);
      emailed.set(email.to, performance.now());
      return sent;
    },
    sendSms: (sms) => rt.outbox.sendSms(sms),
  });
  const busEvents: Record<string, number> = {};
  const stopListening = rt.bus.onEvent((e) => (busEvents[e['detail-type']] = (busEvents[e['detail-type']] ?? 0) + 1));
  const created = new Map<string, number>();
  const address = (i: number) => `pipeline-${i}@bench.example`;

  const started = performance.now();
  try {
    await runPool(contacts, concurrency, async (i) => {
      await call('POST', '/contacts', 201, {
        firstName: `Pipe${i}`,
        lastName: 'Line',
        email: address(i),
        consent: { email: { marketing: true } },
      });
      created.set(address(i), performance.now());
    });
    const written = performance.now();
    await rt.settle();
    const settled = performance.now();
    const missing = [...created.keys()].filter((a) => !emailed.has(a));
    if (missing.length) throw new Error(`${missing.length} of ${contacts} contacts got no welcome email (first: ${missing[0]})`);
    return {
      contacts,
      concurrency,
      writeMs: written - started,
      endToEndMs: Math.max(...emailed.values()) - started,
      delays: [...created].map(([a, at]) => emailed.get(a)! - at),
      busEvents,
      settledMs: settled - started,
    };
  } finally {
    stopListening();
    useMessages(rt.outbox);
  }
};

export const pipelineSection = (r: PipelineResult): Section => {
  const s = (ms: number) => num(ms / 1000, 2);
  const events = Object.values(r.busEvents).reduce((a, b) => a + b, 0);
  return {
    title: 'Journey pipeline: contact.created → relay → bus → engine → messaging → outbox',
    body: `${table(
      ['measure', 'value'],
      [
        [
          'contacts created (`POST /contacts`, each enrolled in a welcome journey that emails at once)',
          `${num(r.contacts)} at concurrency ${r.concurrency}`,
        ],
        ['creates: first sent → last answered', `${s(r.writeMs)} s (${num(r.contacts / (r.writeMs / 1000), 1)} creates/s)`],
        [
          '**end to end: first create sent → last welcome email in the outbox**',
          `**${s(r.endToEndMs)} s: ${num(r.contacts / (r.endToEndMs / 1000), 1)} contact.created events/s**`,
        ],
        ['delay, a contact’s 201 → its email in the outbox: p50', `${num(percentile(r.delays, 50))} ms`],
        ['delay: p95', `${num(percentile(r.delays, 95))} ms`],
        ['delay: max', `${num(Math.max(...r.delays))} ms`],
        [
          'every event the run put on the bus, until all were delivered',
          `${num(events)} in ${s(r.settledMs)} s (${num(events / (r.settledMs / 1000), 1)} events/s): ${Object.entries(r.busEvents)
            .map(([t, n]) => `${num(n)} ${t}`)
            .join(', ')}`,
        ],
      ],
      [1],
    )}

- Embedded runtime in the bench process on a manual clock (a weekday at 10:00 UTC, outside quiet hours), DynamoDB Local in memory. Creates go over loopback HTTP to the runtime's gateway from the same process; the stream poller reads DynamoDB Local's stream every 50 ms when idle, and the relay, bus, journey engine and messaging run in the same node process, so they compete for the same two CPUs with the creates and with Java.
- The email time is taken when messaging hands the message to the outbox (the local stand-in for SES); the delay includes the stream's poll interval. Events after the last email (message.sent, the timeline's activity.logged, each delivered to the journey engine) are drained before the run ends and counted in the last row.`,
  };
};
