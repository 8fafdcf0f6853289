import type { Lookup } from './capacity.ts';
import type { Meter, Usage } from './dynamo-meter.ts';
import { type BenchGateway, labelHeader } from './gateway.ts';
import { num, percentile, type Section, table } from './report.ts';
import { runLoadClient } from './throughput.ts';
import { failures, requestCount, usageTable } from './usage-table.ts';

interface Context {
  gateway: BenchGateway;
  /** An admin of the bench tenant. */
  token: string;
  meter: Meter;
  settle: () => Promise<void>;
  /** Submissions of the lead-capture run (BENCH_LEAD_SUBMISSIONS); a quarter of them repeat an email. */
  submissions: number;
  /** Reads an item as it is stored, to size the items transactions update or check (the one-at-a-time rows only). */
  sizeItems?: Lookup;
}

type Json = Record<string, any>;

export interface CaptureRun {
  what: string;
  total: number;
  concurrency: number;
  distinctEmails: number;
  rateLimit: { perMinute: number; perIpPerMinute: number };
  statuses: Record<string, number>;
  leadsCreated: number;
  wallMs: number;
  p50: number;
  p95: number;
  /** The handlers' DynamoDB usage per submission (the public route only, not the subscribers after it). */
  perSubmission: { requests: number; rcu: number; wcu: number };
}

export interface SalesFigures {
  capture: CaptureRun[];
  usage: { what: string; usage: Usage }[];
  forecastDeals: number[];
}

const concurrency = 8;

/**
 * The sales figures: lead capture through the local gateway's public form
 * route (8 submitters in another process, a quarter of the emails repeated),
 * then, one request at a time, what a lead conversion and a forecast read
 * cost in DynamoDB, the forecast at two sizes of pipeline.
 */
export const measureSales = async (ctx: Context): Promise<SalesFigures> => {
  const { gateway, token, meter } = ctx;
  const send = async (label: string, method: string, path: string, body?: unknown, expected?: number) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        [labelHeader]: label,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (expected !== undefined ? res.status !== expected : res.status >= 300)
      throw new Error(`${label}: ${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as Json;
  };
  const setup = (method: string, path: string, body?: unknown) => send('setup', method, path, body);

  const leadsOf = async (ownerId: string) => {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await setup('GET', `/leads?ownerId=${ownerId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      count += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    return count;
  };

  const form = (name: string, ownerId: string, rateLimit: CaptureRun['rateLimit']) =>
    setup('POST', '/forms', {
      name,
      fields: ['name', 'email'],
      defaultOwnerId: ownerId,
      thankYouUrl: 'https://example.com/thanks',
      rateLimit,
    });

  const capture = async (what: string, ownerId: string, rateLimit: CaptureRun['rateLimit'], total: number, distinct: number) => {
    const made = await form(what, ownerId, rateLimit);
    const label = `capture ${ownerId}`;
    await ctx.settle();
    const before = meter.usage(label);
    const outcome = await runLoadClient({
      url: `${gateway.url}/forms/${made.id}/submit`,
      method: 'POST',
      headers: { 'content-type': 'application/json', [labelHeader]: label },
      body: JSON.stringify({ name: 'Load Tester', email: `lead-{i}@${ownerId}.example` }),
      distinct,
      total,
      concurrency,
      warmup: 0,
      expectedStatus: 200,
    });
    await ctx.settle();
    const usage = meter.usage(label);
    const statuses = { ...outcome.unexpected, 200: total - Object.values(outcome.unexpected).reduce((a, b) => a + b, 0) };
    return {
      what,
      total,
      concurrency,
      distinctEmails: distinct,
      rateLimit,
      statuses,
      leadsCreated: await leadsOf(ownerId),
      wallMs: outcome.wallMs,
      p50: percentile(outcome.latencies, 50),
      p95: percentile(outcome.latencies, 95),
      perSubmission: {
        requests: (requestCount(usage) - requestCount(before)) / total,
        rcu: (usage.rcu - before.rcu) / total,
        wcu: (usage.wcu - before.wcu) / total,
      },
    } satisfies CaptureRun;
  };

  // A short run first, so the measured ones meet warm handlers (its own form and emails).
  await capture('warm-up', 'bench-warm', { perMinute: 10_000, perIpPerMinute: 1000 }, 40, 40);
  const runs: CaptureRun[] = [];
  const distinct = Math.round(ctx.submissions * 0.75);
  runs.push(
    await capture('form at its highest limits', 'bench-wide', { perMinute: 10_000, perIpPerMinute: 1000 }, ctx.submissions, distinct),
  );
  runs.push(await capture('form at the default limits', 'bench-default', { perMinute: 120, perIpPerMinute: 10 }, 200, 150));

  const usage: { what: string; usage: Usage }[] = [];
  if (ctx.sizeItems) meter.sizeExistingItems(ctx.sizeItems);
  const measure = async (what: string, method: string, path: string, body?: unknown, expected?: number) => {
    await ctx.settle();
    const answer = await send(what, method, path, body, expected);
    usage.push({ what, usage: meter.usage(what) });
    return answer;
  };

  // Conversion: a lead to a new contact; one to a contact, a company by domain and a deal; the retry of the second.
  await setup('GET', '/pipelines');
  const plain = await setup('POST', '/leads', { name: 'Plain Lead', email: 'plain@convert.example' });
  const full = await setup('POST', '/leads', { name: 'Full Lead', email: 'full@engines.example', companyName: 'Engines' });
  await measure('convert lead: contact only', 'POST', `/leads/${plain.id}/convert`, {}, 200);
  const body = { company: {}, deal: { name: 'Engines pilot', amount: { amount: 500_000, currency: 'EUR' } } };
  await measure('convert lead: contact, company by domain, deal', 'POST', `/leads/${full.id}/convert`, body, 200);
  await measure('convert lead: its retry', 'POST', `/leads/${full.id}/convert`, body, 200);

  // The forecast read as the pipeline grows: its cost follows the counters (owner × stage × currency), not the deals.
  const forecastDeals = [20, 200];
  const owners = ['ann', 'bob', 'cy', 'dee'];
  const stages = ['qualification', 'proposal', 'negotiation', 'won'];
  const contact = await setup('POST', '/contacts', { firstName: 'Forecast', email: 'forecast@bench.example' });
  let made = 0;
  for (const target of forecastDeals) {
    for (; made < target; made++)
      await setup('POST', '/deals', {
        name: `Deal ${made}`,
        contactIds: [contact.id],
        ownerId: owners[made % owners.length],
        stageId: stages[made % stages.length],
        amount: { amount: 10_000 + made, currency: made % 5 ? 'EUR' : 'USD' },
        closeDate: '2026-11-15',
      });
    await measure(`GET /forecast, ${target} deals, all owners`, 'GET', '/forecast?period=2026-Q4');
    await measure(`GET /forecast, ${target} deals, one owner`, 'GET', '/forecast?period=2026-Q4&ownerId=ann');
  }
  meter.sizeExistingItems(undefined);
  return { capture: runs, usage, forecastDeals };
};

export const salesSection = (f: SalesFigures): Section => {
  const rows = f.capture.map((r) => [
    r.what,
    `${num(r.rateLimit.perMinute)} / ${num(r.rateLimit.perIpPerMinute)}`,
    num(r.total),
    num(r.distinctEmails),
    num(r.statuses[200] ?? 0),
    num(r.statuses[429] ?? 0),
    Object.entries(r.statuses)
      .filter(([s]) => s !== '200' && s !== '429')
      .map(([s, n]) => `${n} × ${s}`)
      .join(', ') || '–',
    num(r.leadsCreated),
    num(r.total / (r.wallMs / 1000), 1),
    num(r.leadsCreated / (r.wallMs / 1000), 1),
    `${num(r.p50, 1)} / ${num(r.p95, 1)}`,
    `${num(r.perSubmission.requests, 1)} · ${num(r.perSubmission.rcu, 1)} · ${num(r.perSubmission.wcu, 1)}`,
  ]);
  const failed = failures(f.usage);
  return {
    title: 'Sales: lead capture, conversion and forecast reads',
    body: `${table(
      [
        'lead capture run',
        'limit per minute: form / IP',
        'submissions',
        'distinct emails',
        '200',
        '429',
        'other',
        'leads created',
        'submissions/s',
        'leads/s',
        'p50 / p95 ms',
        'per submission: requests · RCU · WCU',
      ],
      rows,
      [2, 3, 4, 5, 7, 8, 9],
    )}

${usageTable(f.usage)}

- Lead capture: \`POST /forms/{formId}/submit\` (public, JSON) through the local gateway, ${concurrency} submitters in a process of their own over loopback, so every submission comes from one IP address; the emails cycle through the distinct ones, so a quarter of the submissions repeat an email already captured (200 with \`matched\`) and some arrive while the first capture of their email is in flight. Leads created is counted afterwards with \`GET /leads?ownerId=\` (each run's form has its own owner); with no 429 it must equal the distinct emails. Per-submission DynamoDB usage is the handler's own (rate-limit counters, dedupe guards, the lead's transaction), not the subscribers after it.
- The default-limits run shows the limiter: one address may submit ${'10'} times a minute, so the rest of its submissions in that minute are 429 with \`Retry-After\`.
- Conversion and forecast rows: one request at a time, the request's own DynamoDB calls (other contexts' APIs called in-process included; subscribers of its events not). The forecast is read with ${f.forecastDeals.join(' and then ')} deals closing in the period, 4 owners × 4 stages × 2 currencies: one Query of the period's counters and one of the tenant's pipelines (for the stages' probability and category, so a changed probability re-weights at once), sent together.${failed.length ? `\n- Failed requests (expected): ${failed.join('; ')}.` : ''}`,
  };
};
