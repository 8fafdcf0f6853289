import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { uniqueTenant } from './api-client.ts';
import { useJourneyRuntime } from './journeys-support.ts';

const { rt, api, install } = useJourneyRuntime();

/** The tenant's events as the relay delivers them to the bus, in the order they were written. */
const events = (tenant: string) => {
  const seen: DomainEvent[] = [];
  rt.bus.onEvent((e) => {
    const detail = e.detail as DomainEvent;
    if (detail.tenantId === tenant) seen.push(detail);
  });
  return async () => {
    await rt.settle();
    return [...seen].sort((a, b) => a.id.localeCompare(b.id));
  };
};

describe('event envelopes', () => {
  it('carry the user who acted and the request’s correlation id', async () => {
    const tenant = uniqueTenant('env-user');
    const all = events(tenant);
    const created = await api(tenant, 'sales')(
      'POST',
      '/contacts',
      { firstName: 'Lin', email: 'lin@env.example' },
      { 'x-correlation-id': 'req-42' },
    );
    expect(created.status).toBe(201);
    const [event] = (await all()).filter((e) => e.type === 'contact.created');
    expect(event).toMatchObject({ actor: { type: 'user' }, correlationId: 'req-42' });
    expect(event!.actor!.id).toMatch(/\S/);
    expect(event!.causationId).toBeUndefined();
  });

  it('chain a journey’s send to the event that caused it, with the journey as actor', async () => {
    const tenant = uniqueTenant('env-chain');
    await install(tenant, 'welcome');
    const all = events(tenant);
    const body = { firstName: 'Ada', email: 'ada@env.example', consent: { email: { marketing: true } } };
    expect((await api(tenant, 'sales')('POST', '/contacts', body, { 'x-correlation-id': 'signup-7' })).status).toBe(201);
    const seen = await all();
    const created = seen.find((e) => e.type === 'contact.created')!;
    const sent = seen.find((e) => e.type === 'message.sent');
    expect(sent).toMatchObject({ correlationId: 'signup-7', causationId: created.id, actor: { type: 'system' } });
  });

  it('announce a change of the contact settings once, and nothing when they stay the same', async () => {
    const tenant = uniqueTenant('env-settings');
    const all = events(tenant);
    expect((await api(tenant, 'admin')('PUT', '/contacts/settings', { defaultRegion: 'CN' })).status).toBe(200);
    expect((await api(tenant, 'admin')('PUT', '/contacts/settings', { defaultRegion: 'CN' })).status).toBe(200);
    expect((await api(tenant, 'admin')('PUT', '/contacts/settings', { defaultRegion: null })).status).toBe(200);
    const changes = (await all()).filter((e) => e.type === 'contacts.settings_updated').map((e) => e.data);
    expect(changes).toEqual([{ defaultRegion: 'CN', changed: ['defaultRegion'] }, { changed: ['defaultRegion'] }]);
  });
});
