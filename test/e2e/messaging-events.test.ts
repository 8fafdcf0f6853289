import type { EventBridgeEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { sendMessage } from '../../functions/messaging/send.ts';
import { handler as sesSubscriber } from '../../functions/messaging/subscriber.ts';
import type { BusEvent } from '../../infra/local/bus.ts';
import type { Role } from '../../shared/http/route.ts';
import { useTestRuntime } from '../support/runtime.ts';
import { apiClient, uniqueTenant } from './api-client.ts';

const rt = useTestRuntime();
const api =
  (tenant: string, role: Role = 'admin') =>
  async (...args: Parameters<ReturnType<typeof apiClient>>) =>
    apiClient(rt.url, await rt.token(tenant, [role]))(...args);

/** The tenant's events of the given types, as the outbox relay delivers them to the bus. */
const events = (tenant: string, prefixes: string[]) => {
  const seen: BusEvent[] = [];
  rt.bus.onEvent((e) => {
    if ((e.detail as { tenantId?: string }).tenantId === tenant && prefixes.some((p) => e['detail-type'].startsWith(p))) seen.push(e);
  });
  return {
    all: async () => {
      await rt.settle();
      return seen
        .map((e) => e.detail as { id: string; type: string; data: Record<string, unknown>; actor?: unknown; correlationId?: string })
        .sort((a, b) => a.id.localeCompare(b.id));
    },
  };
};

describe('messaging events', () => {
  it('writes template.created, template.updated and template.deleted with each change', async () => {
    const tenant = uniqueTenant('ev-tpl');
    const seen = events(tenant, ['template.']);
    const created = await api(tenant, 'marketing')('POST', '/templates', { name: 'Promo', channel: 'email', subject: 'Sale', text: 'v1' });
    const id = created.body.id as string;
    const edit = { name: 'Promo', channel: 'email', subject: 'Big sale', text: 'v1' };
    expect((await api(tenant, 'marketing')('PUT', `/templates/${id}`, edit, { 'if-match': '"9"' })).status).toBe(412);
    expect((await api(tenant, 'marketing')('PUT', `/templates/${id}`, edit)).status).toBe(200);
    expect((await api(tenant, 'marketing')('DELETE', `/templates/${id}`)).status).toBe(204);

    const written = await seen.all();
    expect(written.map((e) => [e.type, e.data])).toEqual([
      ['template.created', { templateId: id, name: 'Promo', channel: 'email', version: 1 }],
      ['template.updated', { templateId: id, name: 'Promo', channel: 'email', version: 2, changed: ['subject'] }],
      ['template.deleted', { templateId: id, name: 'Promo', channel: 'email', version: 2 }],
    ]);
    expect(written[0]).toMatchObject({ actor: { type: 'user' } });
  });

  it('writes suppression.added and suppression.removed only when the list changes', async () => {
    const tenant = uniqueTenant('ev-sup');
    const seen = events(tenant, ['suppression.']);
    const marketing = api(tenant, 'marketing');
    expect((await marketing('POST', '/suppressions', { channel: 'email', address: 'Bob@Example.com' })).status).toBe(201);
    expect((await marketing('POST', '/suppressions', { channel: 'email', address: 'bob@example.com' })).status).toBe(200);
    expect((await marketing('DELETE', '/suppressions/email/bob@example.com')).status).toBe(204);
    expect((await marketing('DELETE', '/suppressions/email/bob@example.com')).status).toBe(404);

    expect((await seen.all()).map((e) => [e.type, e.data])).toEqual([
      ['suppression.added', { channel: 'email', address: 'bob@example.com', reason: 'manual' }],
      ['suppression.removed', { channel: 'email', address: 'bob@example.com' }],
    ]);
  });

  it('writes suppression.added with the message when a hard bounce lists the address, traced to the SES subscriber', async () => {
    const tenant = uniqueTenant('ev-bounce');
    const seen = events(tenant, ['suppression.', 'message.bounced']);
    const contact = (await api(tenant)('POST', '/contacts', { email: 'gone@bounce.example', consent: { email: { marketing: true } } }))
      .body as { id: string };
    const sent = await sendMessage({
      tenantId: tenant,
      contactId: contact.id,
      channel: 'email',
      purpose: 'marketing',
      content: { subject: 'News', html: '<p>News</p>' },
      dedupeKey: 'bounce-1',
    });
    const messageId = (sent as { messageId: string }).messageId;
    const bounce: EventBridgeEvent<string, unknown> = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'Email Bounced',
      source: 'aws.ses',
      account: '123456789012',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: [],
      detail: {
        eventType: 'Bounce',
        mail: { messageId: `ses-${messageId}`, destination: [], tags: { 'rapport-tenant': [tenant], 'rapport-message': [messageId] } },
        bounce: {
          bounceType: 'Permanent',
          bouncedRecipients: [{ emailAddress: 'gone@bounce.example' }],
          timestamp: new Date().toISOString(),
        },
      },
    };
    await sesSubscriber(bounce);
    await sesSubscriber(bounce); // a redelivery records nothing more

    const written = await seen.all();
    expect(written.map((e) => e.type).sort()).toEqual(['message.bounced', 'suppression.added']);
    const added = written.find((e) => e.type === 'suppression.added')!;
    expect(added.data).toEqual({ channel: 'email', address: 'gone@bounce.example', reason: 'hard-bounce', messageId });
    expect(added).toMatchObject({ actor: { type: 'system', id: 'ses' }, correlationId: messageId });
  });

  it('writes messaging.settings_updated with the fields that changed, and nothing for a refused change', async () => {
    const tenant = uniqueTenant('ev-set');
    const seen = events(tenant, ['messaging.']);
    const admin = api(tenant);
    expect((await admin('PUT', '/messaging/settings', { timeZone: 'Europe/Paris' }, { 'if-match': '"3"' })).status).toBe(412);
    expect((await admin('PUT', '/messaging/settings', { timeZone: 'Europe/Paris', quietHours: null })).status).toBe(200);
    expect((await admin('PUT', '/messaging/settings', { timeZone: 'Europe/Paris', quietHours: null })).status).toBe(200);

    expect((await seen.all()).map((e) => [e.type, e.data])).toEqual([
      ['messaging.settings_updated', { version: 1, changed: ['timeZone', 'quietHours'] }],
      ['messaging.settings_updated', { version: 2, changed: [] }],
    ]);
  });
});
