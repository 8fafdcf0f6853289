import { expect } from 'vitest';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient } from './api-client.ts';

export const hour = 3_600_000;
export const day = 24 * hour;

/**
 * The embedded runtime on a manual clock, for journeys played over
 * simulated days: a Monday, 11:00 UTC (outside messaging's default quiet
 * hours, 21:00–08:00 in the contact's zone).
 */
export const useJourneyRuntime = () => {
  const clock = new ManualClock(new Date('2026-03-02T11:00:00Z'));
  const rt = useTestRuntime({ clock });
  const api =
    (tenant: string, role: Role = 'marketing') =>
    async (...args: Parameters<ReturnType<typeof apiClient>>) =>
      apiClient(rt.url, await rt.token(tenant, [role]))(...args);

  /** Moves the clock on by steps, letting the events of each step reach their subscribers before the next, as time passing would. */
  const advance = async (ms: number, step = 6 * hour) => {
    await rt.settle();
    for (let left = ms; left > 0; left -= Math.min(left, step)) {
      await clock.advance(Math.min(left, step));
      await rt.settle();
    }
  };

  const contact = async (tenant: string, body: Record<string, unknown>): Promise<{ id: string }> => {
    const res = await api(tenant, 'sales')('POST', '/contacts', body);
    expect(res.status).toBe(201);
    return res.body;
  };

  /** Installs a built-in journey and activates it. */
  const install = async (tenant: string, name: string, body: Record<string, unknown> = {}) => {
    const installed = await api(tenant)('POST', `/journeys/templates/${name}/install`, body);
    expect(installed.status, JSON.stringify(installed.body)).toBe(201);
    expect(installed.body).toMatchObject({ status: 'draft', template: name, version: 1 });
    const active = await api(tenant)('POST', `/journeys/${installed.body.id}/activate`);
    expect(active.status, JSON.stringify(active.body)).toBe(200);
    return active.body as { id: string; steps: { id: string; templateId?: string }[] };
  };

  const ingest = async (tenant: string, type: string, data: Record<string, unknown>) => {
    const res = await api(tenant, 'admin')('POST', '/events', { type, data });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await rt.settle();
  };

  const outboxTo = (address: string) => rt.outbox.messages().filter((m) => (m.channel === 'email' ? m.email.to : m.sms.to) === address);

  const stats = async (tenant: string, journeyId: string) => (await api(tenant, 'analyst')('GET', `/journeys/${journeyId}/stats`)).body;

  return { rt, clock, api, advance, contact, install, ingest, outboxTo, stats };
};
