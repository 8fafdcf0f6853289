import { routes } from '../functions/routes.ts';
import { type Invoke, invoke } from '../infra/local/functions.ts';
import { type Gateway, startGateway } from '../infra/local/gateway.ts';
import { withLabel } from './dynamo-meter.ts';

/** Requests carry their figure's label in this header; the handler's DynamoDB calls are counted under it. */
export const labelHeader = 'x-bench-label';

export interface BenchGateway extends Gateway {
  /** In-process handler durations (ms) per label: what Lambda would bill, on this machine. */
  durations(label: string): number[];
}

/**
 * The runtime's local gateway (same routes catalog, same JWT check, same
 * handlers) with its invoke wrapped: each handler call is timed and runs
 * under the request's label, so the meter knows which request a DynamoDB
 * call belongs to even when requests overlap.
 */
export const startBenchGateway = async (tokenSecret: string): Promise<BenchGateway> => {
  const durations = new Map<string, number[]>();
  const timedInvoke: Invoke = (context, kind, event, timeoutMs) => {
    const { headers, routeKey } = event as { headers?: Record<string, string>; routeKey?: string };
    const label = headers?.[labelHeader] ?? routeKey ?? context;
    return withLabel(label, async () => {
      const started = performance.now();
      try {
        return await invoke(context, kind, event, timeoutMs);
      } finally {
        const list = durations.get(label) ?? [];
        list.push(performance.now() - started);
        durations.set(label, list);
      }
    });
  };
  const gateway = await startGateway({
    routes,
    tokenSecret,
    invoke: timedInvoke,
    port: 0,
    onError: (error) => console.error('[bench] request failed', error),
  });
  return { ...gateway, url: gateway.url.replace('localhost', '127.0.0.1'), durations: (label) => durations.get(label) ?? [] };
};
