import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../infra/local/bus.ts';
import { uniqueTenant } from './api-client.ts';
import { useJourneyRuntime } from './journeys-support.ts';

const { rt, api } = useJourneyRuntime();

/** The journey.* events of `tenant` the relay published from the outbox while `work` ran. */
const journeyEvents = async (tenant: string, work: () => Promise<unknown>) => {
  const seen: BusEvent[] = [];
  const stop = rt.bus.onEvent((e) => {
    if (e['detail-type'].startsWith('journey.') && (e.detail as { tenantId: string }).tenantId === tenant) seen.push(e);
  });
  try {
    await work();
    await rt.settle();
  } finally {
    stop();
  }
  return seen.map((e) => ({ type: e['detail-type'], ...(e.detail as { data: Record<string, unknown> }).data }));
};

const definition = (name: string) => ({
  name,
  trigger: { type: 'event', eventType: 'contact.created', filter: { tags: ['evt'] } },
  steps: [{ id: 'tag', type: 'update_contact', addTags: ['seen'] }],
});

describe('journey events', () => {
  it('every change of a journey publishes its event from the outbox', async () => {
    const tenant = uniqueTenant('j-events');
    const call = api(tenant);
    let id = '';
    const events = await journeyEvents(tenant, async () => {
      const created = await call('POST', '/journeys', definition('Evented'));
      expect(created.status).toBe(201);
      id = created.body.id;
      expect((await call('PUT', `/journeys/${id}`, definition('Evented again'))).status).toBe(200);
      expect((await call('POST', `/journeys/${id}/activate`)).status).toBe(200);
      expect((await call('POST', `/journeys/${id}/pause`)).status).toBe(200);
      expect((await call('POST', `/journeys/${id}/archive`)).status).toBe(200);
    });
    expect(events).toEqual([
      { type: 'journey.created', journeyId: id, name: 'Evented', version: 1, status: 'draft' },
      { type: 'journey.updated', journeyId: id, name: 'Evented again', version: 2, status: 'draft', changed: ['name'] },
      expect.objectContaining({ type: 'journey.activated', journeyId: id, version: 2, status: 'active' }),
      { type: 'journey.paused', journeyId: id, name: 'Evented again', version: 2, status: 'paused', changed: ['status'] },
      { type: 'journey.archived', journeyId: id, name: 'Evented again', version: 2, status: 'archived', changed: ['status'] },
    ]);
  });

  it('deleting a draft publishes journey.deleted; a refused change publishes nothing', async () => {
    const tenant = uniqueTenant('j-events-del');
    const call = api(tenant);
    const { body: draft } = await call('POST', '/journeys', definition('Short-lived'));
    await rt.settle();
    const events = await journeyEvents(tenant, async () => {
      expect((await call('POST', `/journeys/${draft.id}/pause`)).status).toBe(409);
      expect((await call('DELETE', `/journeys/${draft.id}`)).status).toBe(204);
    });
    expect(events).toEqual([{ type: 'journey.deleted', journeyId: draft.id, name: 'Short-lived', version: 1, status: 'draft' }]);
  });
});
