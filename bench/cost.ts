import { num, type Section, table, usd } from './report.ts';
import type { ThroughputRow } from './throughput.ts';

/** us-east-1 list prices (USD). */
export const prices = {
  httpApiPerMillion: 1.0,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
};

export interface CostAssumptions {
  memoryMb: number;
  /** Where the memory figure comes from. */
  memorySource: string;
}

const perMillion = (row: ThroughputRow, { memoryMb }: CostAssumptions) => {
  const billedMs = row.handler!.meanBilledMs;
  const parts = {
    api: prices.httpApiPerMillion,
    lambdaRequests: prices.lambdaPerMillionRequests,
    lambdaCompute: (memoryMb / 1024) * (billedMs / 1000) * prices.lambdaArmPerGbSecond * 1e6,
    reads: row.perRequest.rcu * prices.dynamoPerMillionReadUnits,
    writes: row.perRequest.wcu * prices.dynamoPerMillionWriteUnits,
  };
  return { billedMs, parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
};

/**
 * Cost per million requests of the gateway rows run one at a time (a Lambda
 * instance serves one request at a time), from their measured handler
 * duration and capacity units.
 */
export const costSection = (rows: ThroughputRow[], assumptions: CostAssumptions): Section => {
  const body = rows
    .filter((r) => r.path === 'gateway' && r.handler && r.concurrency === 1)
    .map((r) => {
      const { billedMs, parts, total } = perMillion(r, assumptions);
      return [
        r.what,
        usd(parts.api, 2),
        usd(parts.lambdaRequests, 2),
        `${usd(parts.lambdaCompute, 2)} (${num(billedMs, 2)} ms)`,
        `${usd(parts.reads, 3)} (${num(r.perRequest.rcu, 2)} RRU)`,
        `${usd(parts.writes, 3)} (${num(r.perRequest.wcu, 2)} WRU)`,
        `**${usd(total, 2)}**`,
      ];
    });
  return {
    title: 'Cost per million requests (estimate)',
    body: `${table(['request', 'API Gateway', 'Lambda requests', 'Lambda compute (billed ms)', 'DynamoDB reads', 'DynamoDB writes', 'total per million'], body, [1, 2, 3, 4, 5, 6])}

Assumptions:
- us-east-1 list prices: API Gateway HTTP API $${prices.httpApiPerMillion.toFixed(2)} per million requests; Lambda arm64 $${prices.lambdaArmPerGbSecond} per GB-second + $${prices.lambdaPerMillionRequests.toFixed(2)} per million requests; DynamoDB on-demand $${prices.dynamoPerMillionWriteUnits} per million write request units and $${prices.dynamoPerMillionReadUnits} per million read request units.
- Lambda memory ${assumptions.memoryMb} MB (${assumptions.memorySource}).
- Duration: the mean in-process handler duration of the throughput run at concurrency 1 (one request at a time, as one Lambda instance serves them), each call rounded up to 1 ms as Lambda bills it. It runs against DynamoDB Local on this machine's CPU; on Lambda (arm64, a fraction of a vCPU at ${assumptions.memoryMb} MB, DynamoDB a network hop away) it will differ, and cold starts are not included.
- Requests as in the throughput run: a create with a name, an email and one tag (a phone adds a guard item, 2 WRU); a get of that contact.
- Capacity units: the mean per request over the same run, as in the table of DynamoDB requests per route (table + GSIs; transactions recomputed at 2 units per KB of each item).
- Not included: the stream relay (its Lambda and EventBridge PutEvents at $1.00 per million events, one per create), CloudWatch Logs, data transfer, storage, free tier.`,
  };
};
