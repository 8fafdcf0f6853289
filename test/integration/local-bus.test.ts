import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../functions/subscriptions.ts';
import { type BusEvent, createLocalBus } from '../../infra/local/bus.ts';
import type { Invoke } from '../../infra/local/functions.ts';

const subscriptions: Subscription[] = [
  {
    name: 'contacts-to-journeys',
    context: 'journeys',
    bus: 'rapport',
    pattern: { source: ['rapport'], 'detail-type': ['contact.created'] },
  },
  {
    name: 'vip-to-loyalty',
    context: 'loyalty',
    bus: 'rapport',
    pattern: { source: ['rapport'], 'detail-type': ['contact.created', 'contact.updated'], detail: { data: { tags: ['vip'] } } },
  },
];

const entry = (type: string, data: Record<string, unknown>) => ({
  Source: 'rapport',
  DetailType: type,
  Time: new Date('2026-01-01T10:00:00.250Z'),
  Detail: JSON.stringify({ id: `e-${type}`, type, tenantId: 'acme', data }),
});

const setup = (fail: (context: string) => boolean = () => false) => {
  const delivered: { context: string; event: BusEvent }[] = [];
  const invoke = (async (context: string, kind: string, event: BusEvent) => {
    expect(kind).toBe('subscriber');
    if (fail(context)) throw new Error(`${context} is down`);
    delivered.push({ context, event });
  }) as Invoke;
  const bus = createLocalBus({ subscriptions, invoke, drainUpstream: async () => 0, onError: () => {} });
  return { bus, delivered };
};

describe('the local event bus', () => {
  it('invokes the subscriber of every subscription whose pattern matches, once each', async () => {
    const { bus, delivered } = setup();
    expect(
      await bus.publish([
        entry('contact.created', { tags: ['vip'] }),
        entry('contact.updated', { tags: ['new'] }),
        entry('company.created', {}),
      ]),
    ).toEqual([]);
    await bus.settle();
    expect(delivered.map((d) => `${d.context}:${d.event['detail-type']}`).sort()).toEqual([
      'journeys:contact.created',
      'loyalty:contact.created',
    ]);
    expect(delivered[0]!.event).toMatchObject({
      version: '0',
      source: 'rapport',
      time: '2026-01-01T10:00:00Z',
      detail: { tenantId: 'acme' },
    });
  });

  it('lets listeners hear every event, matched or not', async () => {
    const { bus } = setup();
    const heard: string[] = [];
    const stop = bus.onEvent((e) => heard.push(e['detail-type']));
    await bus.publish([entry('company.created', {})]);
    stop();
    await bus.publish([entry('company.deleted', {})]);
    expect(heard).toEqual(['company.created']);
  });

  it('rejects an entry whose detail is not JSON and accepts the rest', async () => {
    const { bus } = setup();
    expect(await bus.publish([entry('contact.created', {}), { ...entry('contact.created', {}), Detail: '{oops' }])).toEqual([1]);
  });

  it('retries a failing subscriber, then dead-letters the event without holding up the others', async () => {
    let loyaltyAttempts = 0;
    const { bus, delivered } = setup((context) => context === 'loyalty' && ++loyaltyAttempts > 0);
    await bus.publish([entry('contact.created', { tags: ['vip'] })]);
    await bus.settle();
    expect(loyaltyAttempts).toBe(3);
    expect(bus.deadLetters.map((d) => d.subscription)).toEqual(['vip-to-loyalty']);
    expect(delivered.map((d) => d.context)).toEqual(['journeys']);
  });
});
