import type { BusEvent } from '../../infra/local/bus.ts';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { type Api, apiClient } from './api-client.ts';

/** The embedded runtime for one e2e file, with clients that carry a tenant's token. */
export const useRuntime = () => {
  const rt = useTestRuntime();
  return {
    api:
      (tenant: string, role: Role): Api =>
      async (...args) =>
        apiClient(rt.url, await rt.token(tenant, [role]))(...args),
    anonymous: (): Api => apiClient(rt.url),
    onEvent: (listener: (event: BusEvent & { detail: any }) => void) => rt.bus.onEvent(listener),
    settle: () => rt.settle(),
  };
};
