import { describe, expect, it } from 'vitest';
import type { Invoke } from '../../infra/local/functions.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { createLocalScheduler } from '../../infra/local/scheduler.ts';
import { systemClock } from '../../shared/ports/clock.ts';
import { eventually } from '../support/eventually.ts';

const start = new Date('2026-01-01T00:00:00Z');
const minutes = (n: number) => new Date(start.getTime() + n * 60_000);

const setup = (onRun: (payload: { step: string }, at: Date) => Promise<void> | void = () => {}) => {
  const clock = new ManualClock(start);
  const runs: { target: string; step: string; at: string }[] = [];
  const invoke = (async (target: string, kind: string, payload: { step: string }) => {
    expect(kind).toBe('scheduled');
    runs.push({ target, step: payload.step, at: clock.now().toISOString().slice(11, 16) });
    await onRun(payload, clock.now());
  }) as Invoke;
  const failures: unknown[] = [];
  const scheduler = createLocalScheduler({ clock, invoke, onError: (e) => failures.push(e) });
  return { clock, scheduler, runs, failures };
};

describe('the local scheduler on a ManualClock', () => {
  it('runs due jobs in time order at their time, nothing before it is due', async () => {
    const { clock, scheduler, runs } = setup();
    await scheduler.schedule({ name: 'c', at: minutes(30), target: 'journeys', payload: { step: 'c' } });
    await scheduler.schedule({ name: 'a', at: minutes(10), target: 'journeys', payload: { step: 'a' } });
    await scheduler.schedule({ name: 'b', at: minutes(20), target: 'tickets', payload: { step: 'b' } });

    await clock.advance(9 * 60_000);
    expect(runs).toEqual([]);
    await clock.advance(16 * 60_000);
    expect(runs).toEqual([
      { target: 'journeys', step: 'a', at: '00:10' },
      { target: 'tickets', step: 'b', at: '00:20' },
    ]);
    expect(clock.now()).toEqual(minutes(25));
    await clock.advance(60 * 60_000);
    expect(runs.map((r) => r.step)).toEqual(['a', 'b', 'c']);
    expect(scheduler.pending()).toEqual([]);
  });

  it('runs jobs scheduled while advancing, when they fall inside the advance', async () => {
    const { clock, scheduler, runs } = setup(async ({ step }, at) => {
      if (step === 'wait-1')
        await scheduler.schedule({
          name: 'wait-2',
          at: new Date(at.getTime() + 5 * 60_000),
          target: 'journeys',
          payload: { step: 'wait-2' },
        });
    });
    await scheduler.schedule({ name: 'wait-1', at: minutes(10), target: 'journeys', payload: { step: 'wait-1' } });
    await scheduler.schedule({ name: 'later', at: minutes(18), target: 'journeys', payload: { step: 'later' } });

    await clock.advance(20 * 60_000);
    expect(runs.map((r) => `${r.step}@${r.at}`)).toEqual(['wait-1@00:10', 'wait-2@00:15', 'later@00:18']);
  });

  it('keeps the first job of a name and forgets cancelled ones', async () => {
    const { clock, scheduler, runs } = setup();
    await scheduler.schedule({ name: 'reminder', at: minutes(5), target: 'journeys', payload: { step: 'first' } });
    await scheduler.schedule({ name: 'reminder', at: minutes(1), target: 'journeys', payload: { step: 'second' } });
    await scheduler.schedule({ name: 'gone', at: minutes(2), target: 'journeys', payload: { step: 'gone' } });
    await scheduler.cancel('gone');
    await scheduler.cancel('never-existed');

    await clock.advance(10 * 60_000);
    expect(runs).toEqual([{ target: 'journeys', step: 'first', at: '00:05' }]);
  });

  it('refuses names EventBridge Scheduler would refuse', async () => {
    const { scheduler } = setup();
    await expect(scheduler.schedule({ name: 'has space', at: minutes(1), target: 'journeys', payload: {} })).rejects.toThrow(
      /schedule name/,
    );
    await expect(scheduler.schedule({ name: 'x'.repeat(65), at: minutes(1), target: 'journeys', payload: {} })).rejects.toThrow(
      /schedule name/,
    );
  });

  it('retries a failing job, then keeps it as a dead letter', async () => {
    let attempts = 0;
    const { clock, scheduler, failures } = setup(() => {
      attempts++;
      throw new Error('target down');
    });
    await scheduler.schedule({ name: 'doomed', at: minutes(1), target: 'journeys', payload: { step: 'x' } });
    await clock.advance(60_000);
    expect(attempts).toBe(3);
    expect(scheduler.deadLetters.map((d) => d.job.name)).toEqual(['doomed']);
    expect(failures).toHaveLength(1);
  });
});

describe('the local scheduler on the system clock', () => {
  it('fires a job by timer when it falls due, with the payload as JSON', async () => {
    const received: unknown[] = [];
    const invoke = (async (_target: string, _kind: string, payload: unknown) => {
      received.push(payload);
    }) as Invoke;
    const scheduler = createLocalScheduler({ clock: systemClock, invoke, onError: () => {} });
    await scheduler.schedule({
      name: 'soon',
      at: new Date(Date.now() + 50),
      target: 'journeys',
      payload: { when: new Date('2026-01-01T00:00:00Z') },
    });
    expect(received).toEqual([]);
    await eventually(() => expect(received).toEqual([{ when: '2026-01-01T00:00:00.000Z' }]));
    scheduler.stop();
  });
});
