import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { companyKeys } from '../../functions/companies/items.ts';
import { contactKeys } from '../../functions/contacts/items.ts';
import type { BusEvent } from '../../infra/local/bus.ts';
import { labelled, put, transact } from '../../shared/db/transact.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import { useTestRuntime } from '../support/runtime.ts';

const rt = useTestRuntime();

describe('outbox relay in the embedded runtime', () => {
  it('delivers an event written with transact to the bus exactly once, in EventBridge shape', async () => {
    const tenant = `relay-${randomUUID().slice(0, 8)}`;
    const seen: BusEvent[] = [];
    const stop = rt.bus.onEvent((e) => e.detail.tenantId === tenant && seen.push(e));

    // Empty maps and lists included: DynamoDB Local's stream renders an empty map unlike DynamoDB does.
    const event = domainEvent(tenant, 'contact.created', {
      contactId: 'c-1',
      firstName: '张伟',
      lifecycleStage: 'lead',
      tags: [],
      consent: {},
    });
    await transact([labelled('VERSION', put({ ...contactKeys.contact(tenant, 'c-1'), entity: 'CONTACT', firstName: '张伟' }))], [event]);
    await rt.settle();
    await rt.settle(); // nothing more arrives on a second look
    stop();

    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'contact.created',
      source: 'rapport',
      account: '000000000000',
      time: event.occurredAt.replace(/\.\d{3}Z$/, 'Z'),
      region: 'us-east-1',
      resources: [],
      detail: event,
    });
  });

  it('relays nothing for writes without an event', async () => {
    const tenant = `quiet-${randomUUID().slice(0, 8)}`;
    const seen: BusEvent[] = [];
    const stop = rt.bus.onEvent((e) => e.detail.tenantId === tenant && seen.push(e));
    await transact([labelled('VERSION', put({ ...companyKeys.company(tenant, 'co-2'), entity: 'COMPANY', name: 'Quiet' }))], []);
    await rt.settle();
    stop();
    expect(seen).toEqual([]);
  });
});
