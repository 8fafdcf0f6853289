import type { Runtime } from '../infra/local/runtime.ts';
import type { ScheduledJob } from '../shared/ports/scheduler.ts';
import type { Meter, Usage } from './dynamo-meter.ts';
import { labelHeader } from './gateway.ts';
import { swapMethod } from './label-calls.ts';
import { runPool } from './pool.ts';
import { median, num, percentile, type Section, table } from './report.ts';

/**
 * The customer service figures (issue 10): DynamoDB requests per intake (API
 * and email), per reply and per assignment; SLA schedule operations over one
 * ticket's lifecycle; intake throughput with concurrent submitters; and
 * agents holding more open tickets than their capacity (must be 0).
 * BENCH_SERVICE_TICKETS (200) tickets go through the load, BENCH_SERVICE_REPEATS
 * (5) requests of each kind are metered one at a time.
 */
const loadTickets = Number(process.env.BENCH_SERVICE_TICKETS ?? 200);
const repeats = Number(process.env.BENCH_SERVICE_REPEATS ?? 5);
const submitters = 8;
const agents = 8;
const capacity = 5;
const unresolved = ['new', 'open', 'pending_customer', 'on_hold'] as const;

interface Context {
  /** The runtime the bench gateway fronts: settle, tokens, the local scheduler and POST /dev/inbound-email. */
  runtime: Runtime;
  /** The bench gateway (requests carry their label); the runtime's own gateway serves /dev routes. */
  gatewayUrl: string;
  meter: Meter;
  log: (message: string) => void;
}

type Json = Record<string, any>;
const requestsOf = (u: Usage) => Object.values(u.requests).reduce((a, b) => a + b, 0);

/** One figure: the requests the route's handler made, and all requests until every consequence settled (relay, subscribers). */
interface Metered {
  label: string;
  inRequest: number[];
  total: number[];
  commands: Record<string, number>;
}

export const measureService = async ({ runtime, gatewayUrl, meter, log }: Context): Promise<Section[]> => {
  const tenant = 'bench-service';
  const tokens = new Map<string, string>();
  const tokenOf = async (t: string, role: string, user = `${role}-bench`) => {
    const key = `${t}|${role}|${user}`;
    if (!tokens.has(key)) tokens.set(key, await runtime.token(t, [role], user));
    return tokens.get(key)!;
  };
  const call = async (t: string, label: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await tokenOf(t, 'support')}`,
        [labelHeader]: label,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${label}: ${method} ${path} answered ${res.status}: ${text}`);
    return { body: (text ? JSON.parse(text) : undefined) as Json, etag: res.headers.get('etag') ?? '' };
  };
  const inboundEmail = async (t: string, i: number) => {
    const raw = [
      `From: Customer ${i} <mail-${i}@example.com>`,
      `To: support+${t}@inbound.localhost`,
      `Subject: Parcel ${i} never arrived`,
      `Message-ID: <bench-${i}-${Date.now()}@example.com>`,
      `Date: ${new Date().toUTCString()}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello, my parcel did not arrive. Can you help?',
    ].join('\r\n');
    const res = await fetch(`${runtime.url}/dev/inbound-email?tenant=${t}`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: raw,
    });
    if (res.status !== 200) throw new Error(`inbound email answered ${res.status}: ${await res.text()}`);
  };

  const figures = new Map<string, Metered>();
  /** Runs `act` alone: settled before, settled after; the request's own calls are under its label. */
  const metered = async (figure: string, act: (label: string) => Promise<unknown>) => {
    await runtime.settle();
    const label = `${figure} #${figures.get(figure)?.total.length ?? 0}`;
    const before = structuredClone(meter.total());
    await act(label);
    await runtime.settle();
    const after = meter.total();
    const row = figures.get(figure) ?? { label: figure, inRequest: [], total: [], commands: {} };
    row.inRequest.push(requestsOf(meter.usage(label)));
    row.total.push(requestsOf(after) - requestsOf(before));
    for (const [c, n] of Object.entries(after.requests)) {
      const d = n - (before.requests[c] ?? 0);
      if (d) row.commands[c] = (row.commands[c] ?? 0) + d;
    }
    figures.set(figure, row);
  };

  const team = async (t: string, name: string, size: number) =>
    // Teams are written by admins only.
    (
      await call(
        t,
        'setup',
        'POST',
        '/teams',
        {
          name,
          lead: { userId: `${name}-lead`, email: `${name}-lead@example.com` },
          members: Array.from({ length: size }, (_, i) => ({ userId: `${name}-agent-${i}`, capacity })),
        },
        { authorization: `Bearer ${await tokenOf(t, 'admin')}` },
      )
    ).body as { id: string; members: { userId: string; capacity: number }[] };

  log('service: DynamoDB requests per intake, reply and assignment…');
  const desk = await team(tenant, 'desk', agents);
  const opened: Json[] = [];
  for (let i = 0; i < repeats; i++) {
    await metered('intake: POST /tickets (no team)', async (label) => {
      opened.push(
        (await call(tenant, label, 'POST', '/tickets', { email: `api-${i}@example.com`, subject: `Help ${i}`, body: 'It broke.' })).body,
      );
    });
    await metered('intake: POST /tickets with a team (routed)', async (label) => {
      await call(tenant, label, 'POST', '/tickets', {
        email: `team-${i}@example.com`,
        subject: `Help ${i}`,
        body: 'It broke.',
        teamId: desk.id,
      });
    });
    await metered('intake: email (POST /dev/inbound-email)', () => inboundEmail(tenant, i));
  }
  for (const [i, ticket] of opened.entries()) {
    await metered('reply: POST /tickets/{id}/replies', (label) =>
      call(tenant, label, 'POST', `/tickets/${ticket.id}/replies`, { body: 'We are looking into it.' }),
    );
    const current = await call(tenant, 'setup', 'GET', `/tickets/${ticket.id}`);
    await metered('assignment: PATCH /tickets/{id} assigneeId', (label) =>
      call(tenant, label, 'PATCH', `/tickets/${ticket.id}`, { assigneeId: `desk-agent-${i % agents}` }, { 'if-match': current.etag }),
    );
  }

  log('service: SLA schedule operations over a ticket lifecycle…');
  const ops = { schedule: 0, cancel: 0 };
  const restore = [
    swapMethod(runtime.scheduler, 'schedule', (original) => async (job: ScheduledJob) => {
      ops.schedule++;
      return original.call(runtime.scheduler, job);
    }),
    swapMethod(runtime.scheduler, 'cancel', (original) => async (name: string) => {
      ops.cancel++;
      return original.call(runtime.scheduler, name);
    }),
  ];
  const lifecycle: string[][] = [];
  try {
    const step = async (name: string, act: () => Promise<unknown>) => {
      await runtime.settle();
      const before = { ...ops };
      await act();
      await runtime.settle();
      lifecycle.push([name, num(ops.schedule - before.schedule), num(ops.cancel - before.cancel)]);
    };
    let ticket: Json = {};
    const patch = async (body: Json) => {
      const current = await call(tenant, 'setup', 'GET', `/tickets/${ticket.id}`);
      await call(tenant, 'setup', 'PATCH', `/tickets/${ticket.id}`, body, { 'if-match': current.etag });
    };
    await step('open (POST /tickets)', async () => {
      ticket = (await call(tenant, 'setup', 'POST', '/tickets', { email: 'sla@example.com', subject: 'SLA run', body: 'Tick tock.' })).body;
    });
    await step('first agent reply', () => call(tenant, 'setup', 'POST', `/tickets/${ticket.id}/replies`, { body: 'On it.' }));
    await step('pending customer (pause)', () => patch({ status: 'pending_customer' }));
    await step('open again (resume)', () => patch({ status: 'open' }));
    await step('priority raised to urgent', () => patch({ priority: 'urgent' }));
    await step('resolved', () => patch({ status: 'resolved' }));
  } finally {
    for (const r of restore) r();
  }

  log(`service: ${loadTickets} tickets from ${submitters} concurrent submitters…`);
  const loadTenant = 'bench-service-load';
  const loadTeam = await team(loadTenant, 'load', agents);
  await runtime.settle();
  const load = await runPool(loadTickets, submitters, async (i) => {
    await call(loadTenant, 'load', 'POST', '/tickets', {
      email: `load-${i}@example.com`,
      subject: `Load ${i}`,
      body: 'Busy.',
      teamId: loadTeam.id,
    });
  });
  const settleStarted = performance.now();
  await runtime.settle();
  const settleMs = performance.now() - settleStarted;

  // Agents over capacity: each agent's unresolved tickets, counted through the tickets list.
  const held = async (agent: string) => {
    let n = 0;
    for (const status of unresolved) {
      let cursor: string | undefined;
      do {
        const page = await call(
          loadTenant,
          'check',
          'GET',
          `/tickets?assigneeId=${agent}&status=${status}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        n += page.body.items.length;
        cursor = page.body.nextCursor;
      } while (cursor);
    }
    return n;
  };
  const holding = await Promise.all(loadTeam.members.map(async (m) => ({ ...m, held: await held(m.userId) })));
  const violations = holding.filter((m) => m.held > m.capacity).length;
  const assigned = holding.reduce((a, m) => a + m.held, 0);

  const rows = [...figures.values()].map((f) => [
    f.label,
    f.label.includes('/dev/') ? '—' : num(median(f.inRequest)),
    num(median(f.total)),
    Object.entries(f.commands)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([c, n]) => `${c} ${num(n / f.total.length, 1)}`)
      .join(', '),
  ]);
  const routed = figures.get('intake: POST /tickets with a team (routed)');
  const plain = figures.get('intake: POST /tickets (no team)');
  const routing = routed && plain ? median(routed.total) - median(plain.total) : Number.NaN;

  return [
    {
      title: 'Customer service: DynamoDB requests per operation',
      body: `${table(['operation', 'in the request', 'in all (until settled)', 'by command, all (mean)'], rows, [1, 2])}

- Median of ${repeats} operations of each kind, each run alone on one tenant: "in the request" is what the route's handler sent; "in all" adds everything it set off until the runtime settled (outbox relay, subscribers: routing, SLA, reports, journeys, timeline). Email intake runs through the runtime's own /dev route, so only its total is known.
- Automatic assignment (routing on ticket.created with a team) costs the difference of the two intake rows: ${num(routing)} requests.`,
    },
    {
      title: 'Customer service: SLA schedule operations over one ticket',
      body: `${table(['step', 'schedules', 'cancels'], [...lifecycle, ['whole lifecycle', num(lifecycle.reduce((a, r) => a + Number(r[1]), 0)), num(lifecycle.reduce((a, r) => a + Number(r[2]), 0))]], [1, 2])}

- Calls of the local scheduler (EventBridge Scheduler's CreateSchedule / DeleteSchedule on AWS) by everything a step set off, counted until the runtime settled.`,
    },
    {
      title: 'Customer service: intake throughput and capacity',
      body: `${table(
        ['tickets', 'submitters', 'tickets/s (answered)', 'p50 ms', 'p95 ms', 'settled after', 'assigned', 'agents over capacity'],
        [
          [
            num(loadTickets),
            num(submitters),
            num(loadTickets / (load.wallMs / 1000), 1),
            num(percentile(load.latencies, 50), 1),
            num(percentile(load.latencies, 95), 1),
            `${num(settleMs)} ms`,
            `${num(assigned)} of ${num(agents * capacity)} seats`,
            num(violations),
          ],
        ],
        [0, 1, 2, 3, 4, 5, 7],
      )}

- POST /tickets with a team through the local gateway, ${submitters} at a time; the team has ${agents} agents of capacity ${capacity}, so tickets beyond ${agents * capacity} wait in the team queue. "Settled after": the time the routing, SLA and report subscribers still needed once the last answer came.
- Agents over capacity: agents whose unresolved tickets (${unresolved.join(', ')}) outnumber their capacity, counted through GET /tickets; it must be 0.`,
    },
  ];
};
