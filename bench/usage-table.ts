import type { Usage } from './dynamo-meter.ts';
import { num, table } from './report.ts';

/** A copy that no longer moves with the meter. */
export const snapshot = (usage: Usage): Usage => structuredClone(usage);

const combine = (a: Usage, b: Usage, sign: 1 | -1): Usage => {
  const merge = (x: Record<string, number>, y: Record<string, number>) => {
    const out = { ...x };
    for (const [k, v] of Object.entries(y)) out[k] = (out[k] ?? 0) + sign * v;
    return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== 0));
  };
  return {
    requests: merge(a.requests, b.requests),
    failed: merge(a.failed, b.failed),
    rcu: a.rcu + sign * b.rcu,
    wcu: a.wcu + sign * b.wcu,
    localWcu: a.localWcu + sign * b.localWcu,
    assumedActions: a.assumedActions + sign * b.assumedActions,
    unreportedWcu: a.unreportedWcu + sign * b.unreportedWcu,
  };
};

/** What a label gained between two snapshots. */
export const since = (after: Usage, before: Usage): Usage => combine(after, before, -1);

export const sum = (...usages: Usage[]): Usage => usages.reduce((a, b) => combine(a, b, 1));

export const requestCount = (usage: Usage): number => Object.values(usage.requests).reduce((a, b) => a + b, 0);

const wcuCell = (u: Usage) => `${num(u.wcu, 1)}${u.unreportedWcu ? ` (+${num(u.unreportedWcu)})` : ''}${u.assumedActions ? '*' : ''}`;

/** Requests by command, then totals and capacity units: one row per piece of work. */
export const usageTable = (rows: readonly { what: string; usage: Usage }[]): string => {
  const commands = [...new Set(rows.flatMap((r) => Object.keys(r.usage.requests)))].sort();
  const body = rows.map(({ what, usage }) => [
    what,
    ...commands.map((c) => (usage.requests[c] ? num(usage.requests[c]) : '')),
    num(requestCount(usage)),
    num(usage.rcu, 1),
    wcuCell(usage),
  ]);
  return table(
    ['work', ...commands, 'requests', 'RCU', 'WCU'],
    body,
    commands.map((_, i) => i + 1).concat([commands.length + 1, commands.length + 2, commands.length + 3]),
  );
};

/** Failed requests of the rows, for a note (conditional writes that lost a race are part of the design). */
export const failures = (rows: readonly { what: string; usage: Usage }[]): string[] =>
  rows.flatMap((r) => Object.entries(r.usage.failed).map(([what, n]) => `${r.what}: ${num(n)} × ${what}`));
