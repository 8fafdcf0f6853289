import type { Meter, Usage } from './dynamo-meter.ts';
import { labelHeader } from './gateway.ts';
import { num, type Section, table } from './report.ts';

export interface RouteUsage {
  label: string;
  route: string;
  status: number;
  usage: Usage;
}

interface Context {
  url: string;
  token: string;
  meter: Meter;
  /** Waits until the writes so far are relayed, so nothing in the background overlaps the next request. */
  settle: () => Promise<void>;
}

type Json = Record<string, any>;

const send = async (
  { url, token }: Context,
  label: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      [labelHeader]: label,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
};

/**
 * Drives one tenant through the API, one request at a time, and reads what
 * each measured request cost in DynamoDB. Requests that only prepare data are
 * labelled "setup" and left out of the table.
 */
export const measureRouteUsage = async (ctx: Context): Promise<RouteUsage[]> => {
  const rows: RouteUsage[] = [];
  const measure = async (
    label: string,
    method: string,
    path: string,
    expected: number,
    body?: unknown,
    headers?: Record<string, string>,
  ) => {
    await ctx.settle();
    const res = await send(ctx, label, method, path, body, headers);
    if (res.status !== expected)
      throw new Error(`${label}: ${method} ${path} answered ${res.status}, expected ${expected}: ${JSON.stringify(res.body)}`);
    rows.push({
      label,
      route: `${method} ${path.replace(/\/[0-9A-HJKMNP-TV-Z]{26}(?=\/|$)/g, '/{id}').replace(/\?.*/, (q) => q.replace(/=[^&]+/g, '=…'))}`,
      status: res.status,
      usage: ctx.meter.usage(label),
    });
    return res.body;
  };
  const setup = async (method: string, path: string, body?: unknown) => {
    const res = await send(ctx, 'setup', method, path, body);
    if (res.status >= 300) throw new Error(`setup: ${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };

  await measure('create company', 'POST', '/companies', 201, {
    name: 'Analytical Engines Ltd',
    domain: 'engines.example',
    industry: 'Computing',
    tags: ['enterprise'],
  });
  const contact = await measure('create contact', 'POST', '/contacts', 201, {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    phone: '+44 20 7946 0958',
    tags: ['vip'],
    lifecycleStage: 'lead',
    consent: { email: { marketing: true } },
    timeZone: 'Europe/London',
    locale: 'en-GB',
  });
  await measure('get contact', 'GET', `/contacts/${contact.id}`, 200);
  await measure(
    'update contact',
    'PATCH',
    `/contacts/${contact.id}`,
    200,
    { lifecycleStage: 'customer', attributes: { seats: 3 } },
    { 'if-match': '"1"' },
  );
  await measure('batch create 25 contacts', 'POST', '/contacts/batch', 200, {
    contacts: Array.from({ length: 25 }, (_, i) => ({ firstName: `Batch${i}`, lastName: 'Contact', email: `batch-${i}@example.com` })),
  });
  await measure('list contacts page (25)', 'GET', '/contacts?limit=25', 200);
  await measure('search by name', 'GET', `/contacts?q=${encodeURIComponent('Ada')}`, 200);
  await measure('search by email', 'GET', `/contacts?q=${encodeURIComponent('ada@example.com')}`, 200);
  await measure('log activity', 'POST', `/contacts/${contact.id}/activities`, 201, {
    type: 'call',
    channel: 'phone',
    direction: 'outbound',
    subject: 'Intro call',
    body: 'Talked about the analytical engine.',
    durationSeconds: 300,
  });
  for (let i = 0; i < 30; i++)
    await setup('POST', `/contacts/${contact.id}/activities`, { type: 'note', subject: `Note ${i}`, body: 'x'.repeat(200) });
  await measure('timeline page (25)', 'GET', `/contacts/${contact.id}/activities?limit=25`, 200);
  const idempotent = { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' };
  const first = await measure('create contact with Idempotency-Key', 'POST', '/contacts', 201, idempotent, {
    'idempotency-key': 'bench-retry-1',
  });
  const retry = await measure('idempotent retry (same key and body)', 'POST', '/contacts', 201, idempotent, {
    'idempotency-key': 'bench-retry-1',
  });
  if (retry.id !== first.id) throw new Error('the idempotent retry answered another contact');

  await setup('GET', '/pipelines');
  const deal = await measure('create deal', 'POST', '/deals', 201, {
    name: 'Engine for Ada',
    contactIds: [contact.id],
    amount: { amount: 1_250_000, currency: 'GBP' },
    closeDate: '2026-12-31',
  });
  await measure('get deal', 'GET', `/deals/${deal.id}`, 200);
  await measure(
    'move deal to the next stage',
    'PATCH',
    `/deals/${deal.id}`,
    200,
    { stageId: 'proposal' },
    { 'if-match': `"${deal.version}"` },
  );
  await measure('board column (one stage)', 'GET', `/deals?pipelineId=${deal.pipelineId}&stageId=proposal`, 200);
  await measure('stage history', 'GET', `/deals/${deal.id}/stage-history`, 200);
  return rows;
};

export const routeUsageSection = (rows: RouteUsage[], scans: number): Section => {
  const commands = [...new Set(rows.flatMap((r) => Object.keys(r.usage.requests)))].sort();
  const body = rows.map((r) => [
    r.label,
    `\`${r.route}\``,
    String(r.status),
    ...commands.map((c) => (r.usage.requests[c] ? String(r.usage.requests[c]) : '')),
    num(Object.values(r.usage.requests).reduce((a, b) => a + b, 0)),
    num(r.usage.rcu, 1),
    `${num(r.usage.wcu, 1)}${r.usage.unreportedWcu ? ` (+${r.usage.unreportedWcu})` : ''}${r.usage.assumedActions ? '*' : ''}`,
    num(r.usage.localWcu, 1),
  ]);
  const failures = rows.flatMap((r) => Object.entries(r.usage.failed).map(([what, n]) => `${r.label}: ${n} × ${what}`));
  return {
    title: 'DynamoDB requests and capacity units per route',
    body: `${table(['route', 'request', 'status', ...commands, 'requests', 'RCU', 'WCU', 'WCU as DynamoDB Local reports'], body, [2, ...commands.map((_, i) => 3 + i), 3 + commands.length, 4 + commands.length, 5 + commands.length, 6 + commands.length])}

**Scan requests over the whole run (every figure, every request): ${scans}**

- Counted by an SDK middleware on the handlers' one document client (\`shared/db/client.ts\`), per request, including failed ones. Each request asks for ReturnConsumedCapacity TOTAL: RCU and the WCU of single-item writes are what DynamoDB Local reports (table plus GSIs; it rounds per item as DynamoDB does).
- WCU of TransactWriteItems is recomputed from the items sent (bench/capacity.ts), because DynamoDB Local sizes a whole transaction as one item: DynamoDB charges 2 units per KB of each item, rounded up per item, and again for each GSI the item is written to or removed from; a ConditionCheck counts as a write of the item it checks. The items an Update, Delete or ConditionCheck touches are read first (uncounted) to size them; * would mark a row where that was not done and they were taken to be at most 1 KB.
- Failed conditional writes report no capacity; DynamoDB still charges at least 1 WCU each, shown as (+n).${failures.length ? `\n- Failed requests (expected): ${failures.join('; ')}.` : ''}
- One tenant, requests one at a time; 30 notes logged before the timeline page and 27 contacts exist before the list page, so pages are full.`,
  };
};
