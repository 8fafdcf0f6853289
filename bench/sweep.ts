import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { liveEngine } from '../functions/journeys/live-engine.ts';
import { handler as sweep } from '../functions/journeys/sweep.ts';
import { builtInTemplates } from '../functions/journeys/templates.ts';
import type { ManualClock } from '../infra/local/manual-clock.ts';
import type { Runtime } from '../infra/local/runtime.ts';
import { type Meter, type Usage, unlabelled, withLabel } from './dynamo-meter.ts';
import { tenantApi } from './journey-api.ts';
import { swapMethod } from './label-calls.ts';
import { num, type Section, table } from './report.ts';
import { seedContacts } from './seed-contacts.ts';
import { failures, requestCount, since, snapshot, sum, usageTable } from './usage-table.ts';

/** What enrolling the due contacts cost, when the sweep's enrolments ran for real. */
export interface Enrolments {
  /** engine.enrol for each due contact: the run, at-risk update, offer email, 7-day wait. */
  usage: Usage;
  /** What the events those wrote cost their subscribers. */
  downstream: Usage;
  emails: number;
  /** The journey's own "sent" counter. */
  countedSent: number;
}

export interface SweepRun {
  contacts: number;
  due: number;
  /** Due contacts the sweep handed to engine.enrol. */
  handed: number;
  seedMs: number;
  /** The sweep and the deliveries of the events it caused, until settled. */
  sweepMs: number;
  /** The sweep's own requests: scheduled journeys, the version, the due day's bucket, marking the day swept. */
  own: Usage;
  /** Absent when there were more due contacts than the bench enrols for real. */
  enrolments?: Enrolments;
  /** RCU of reading every contact of the tenant in 1 MB pages, eventually consistent: what a sweep without the day index would pay. */
  everyContactRcu: number;
}

export interface SweepContext {
  rt: Runtime;
  clock: ManualClock;
  meter: Meter;
  /** Writes the seeded contacts, outside the meter. */
  seeder: DynamoDBDocumentClient;
  tableName: string;
  /** Sweeps with more due contacts than this hand them to a counting stand-in instead of the engine. */
  maxEnrolments: number;
  log: (message: string) => void;
}

const dayMs = 86_400_000;
const spreadDays = 300;
const winBack = builtInTemplates['win-back'].build({});
const inactiveDays = (winBack.trigger.type === 'schedule' && winBack.trigger.segment.inactiveDays) || 90;

/**
 * One tenant of `contacts` customers, 1% of whom last engaged exactly
 * `inactiveDays` ago, with the built-in win-back journey active; then one
 * run of the daily sweep (functions/journeys/sweep.ts) for today, its own
 * requests metered apart from the enrolments it makes. The journey is
 * paused afterwards so the next tenant's sweep finds only its own.
 */
export const measureSweep = async (
  { rt, clock, meter, seeder, tableName, maxEnrolments, log }: SweepContext,
  contacts: number,
): Promise<SweepRun> => {
  const tenant = `bench-sweep-${contacts}`;
  const now = clock.now();
  const today = now.toISOString().slice(0, 10);
  const dueDay = new Date(now.getTime() - inactiveDays * dayMs).toISOString().slice(0, 10);

  log(`win-back sweep: seeding ${num(contacts)} contacts with BatchWriteItem…`);
  const started = performance.now();
  const seeded = await seedContacts(seeder, tableName, { tenantId: tenant, count: contacts, dueDay, spreadDays, today });
  const seedMs = performance.now() - started;

  const call = await tenantApi(rt, tenant);
  const { id: journeyId } = await call('POST', '/journeys/templates/win-back/install', 201, {});
  await call('POST', `/journeys/${journeyId}/activate`, 200);
  await rt.settle();

  const enrol = seeded.due <= maxEnrolments;
  log(
    `win-back sweep: ${num(contacts)} contacts, ${num(seeded.due)} due, ${enrol ? 'enrolled' : 'handed to a counting stand-in of engine.enrol'}…`,
  );
  const label = `sweep ${contacts}`;
  const before = snapshot(meter.usage(unlabelled));
  const emailsBefore = rt.outbox.messages().length;
  let handed = 0;
  const sweepStarted = performance.now();
  const restore = swapMethod(liveEngine, 'enrol', (original) => async (...args) => {
    handed++;
    return enrol ? withLabel(`${label}: enrolments`, () => original(...args)) : undefined;
  });
  try {
    await withLabel(label, () => sweep({ time: now.toISOString() }));
  } finally {
    restore();
  }
  await rt.settle();
  const sweepMs = performance.now() - sweepStarted;
  if (handed !== seeded.due) throw new Error(`the sweep handed ${handed} of ${seeded.due} due contacts to the engine`);

  let enrolments: Enrolments | undefined;
  if (enrol) {
    const { totals } = await call('GET', `/journeys/${journeyId}/stats`, 200);
    if (totals.entered !== seeded.due) throw new Error(`the sweep enrolled ${totals.entered} of ${seeded.due} due contacts`);
    enrolments = {
      usage: snapshot(meter.usage(`${label}: enrolments`)),
      downstream: since(meter.usage(unlabelled), before),
      emails: rt.outbox.messages().length - emailsBefore,
      countedSent: totals.sent,
    };
  }
  await call('POST', `/journeys/${journeyId}/pause`, 200);

  return {
    contacts,
    due: seeded.due,
    handed,
    seedMs,
    sweepMs,
    own: snapshot(meter.usage(label)),
    enrolments,
    everyContactRcu: Math.ceil(seeded.bytes / 4096) / 2,
  };
};

const perDue = (usage: Usage, due: number) =>
  `${num(requestCount(usage) / due, 1)} requests, ${num(usage.rcu / due, 1)} RCU and ${num(usage.wcu / due, 1)} WCU`;

const usageGroup = (r: SweepRun) => {
  const of = `${num(r.contacts)} contacts`;
  const own = { what: `${of}: finding the due contacts (the sweep’s own requests)`, usage: r.own };
  if (!r.enrolments) return [own];
  return [
    own,
    { what: `${of}: enrolling the ${num(r.due)} due (engine, at-risk update, offer email, 7-day wait)`, usage: r.enrolments.usage },
    { what: `${of}: events those wrote, at their subscribers`, usage: r.enrolments.downstream },
  ];
};

const enrolledNote = (r: SweepRun & { enrolments: Enrolments }) =>
  `${num(r.contacts)} contacts: the ${num(r.due)} due contacts were enrolled for real and got ${num(r.enrolments.emails)} offer emails` +
  ` (the journey's stats counted ${num(r.enrolments.countedSent)} as sent); the sweep and the deliveries it caused took ${num(r.sweepMs / 1000, 1)} s, the meter's reads of each transaction's items included.` +
  ` Per due contact, enrolling and the events it wrote cost ${perDue(sum(r.enrolments.usage, r.enrolments.downstream), r.due)}.`;

export const sweepSection = (runs: SweepRun[], { maxEnrolments, note }: { maxEnrolments: number; note: string }): Section => {
  const scaling = table(
    [
      'contacts in the tenant',
      'due (1%)',
      'handed to engine.enrol',
      'sweep’s own requests',
      'of which Query',
      'sweep’s own RCU',
      'RCU per due contact',
      'reading every contact instead (RCU, estimate)',
    ],
    runs.map((r) => [
      num(r.contacts),
      num(r.due),
      num(r.handed),
      num(requestCount(r.own)),
      num(r.own.requests.Query ?? 0),
      num(r.own.rcu, 1),
      num(r.own.rcu / r.due, 3),
      num(r.everyContactRcu, 1),
    ]),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  const groups = runs.map(usageGroup);
  const rows = groups.flatMap((g, i) =>
    g.length > 1 ? [...g, { what: `**${num(runs[i]!.contacts)} contacts: total**`, usage: sum(...g.map((p) => p.usage)) }] : g,
  );
  const failed = failures(groups.map((g, i) => ({ what: `${num(runs[i]!.contacts)} contacts`, usage: sum(...g.map((p) => p.usage)) })));
  const enrolled = runs.filter((r): r is SweepRun & { enrolments: Enrolments } => r.enrolments !== undefined);
  const handedOff = runs.filter((r) => !r.enrolments);
  return {
    title: 'Win-back sweep: DynamoDB reads follow the due contacts, not the tenant’s contacts',
    body: `${scaling}

${usageTable(rows)}

- Each tenant's contacts are written straight to the table with BatchWriteItem (contacts' key builders and Contact shape, no uniqueness guards or search terms, which a sweep never reads): customers with email marketing consent, 1% of them last engaged exactly ${inactiveDays} days before the sweep's day, the others spread evenly over the ${spreadDays} days before it. Seeding took ${runs.map((r) => `${num(r.seedMs / 1000, 1)} s for ${num(r.contacts)}`).join(', ')}, with the stream relay reading the new items alongside.
- The built-in win-back journey (installed, then activated: inactive for ${inactiveDays} days, customers and loyal contacts) is the only active schedule-triggered journey when the sweep runs: \`handler({ time })\` of functions/journeys/sweep.ts, called directly for the day under a label. The engine's \`enrol\` is swapped for the run, so what enrolling costs is counted apart from the sweep's own requests.
${enrolled.map((r) => `- ${enrolledNote(r)}\n`).join('')}${handedOff.length ? `- ${handedOff.map((r) => `${num(r.contacts)} contacts (${num(r.due)} due)`).join(', ')}: more due contacts than BENCH_SWEEP_ENROLMENTS (${num(maxEnrolments)}), so they went to a counting stand-in of \`engine.enrol\` and only the sweep's own requests are measured: enrolling is transaction-heavy and DynamoDB Local gets no faster at transactions with more in flight (see the throughput figure), so a thousand enrolments would not fit the bench's few minutes. Enrolling costs the same per due contact whatever the tenant's size.\n` : ''}- "Reading every contact instead" is what one pass over the tenant's contact list would cost (eventually consistent Query in 1 MB pages: item bytes / 4 KB × 0.5), from the seeded items' sizes; no part of the product does that.
- ${note}${failed.length ? `\n- Failed requests (conditional writes and transactions that lost a race: the sweep's enrolment and the events it wrote both advance the same run): ${failed.join('; ')}.` : ''}`,
  };
};
