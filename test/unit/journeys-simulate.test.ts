import { describe, expect, it } from 'vitest';
import { simulateBody } from '../../functions/journeys/schemas.ts';
import { simulate } from '../../functions/journeys/simulate.ts';
import { builtInTemplates } from '../../functions/journeys/templates.ts';
import type { MessagingSettings } from '../../functions/messaging/schemas.ts';
import { defaultSettings } from '../../functions/messaging/settings.ts';
import { newId } from '../../shared/ports/ids.ts';
import { start, version } from './journeys-fakes.ts';

const ids = { welcome: newId(), second: newId(), offer: newId(), sms: newId() };
const welcome = version(builtInTemplates.welcome.build(ids));
const winBack = version(builtInTemplates['win-back'].build(ids));
const openAllDay = { ...defaultSettings, quietHours: null };
const run = (v: typeof welcome, input: unknown, settings: MessagingSettings = defaultSettings, suppressed: string[] = []) =>
  simulate(v, simulateBody.parse(input), start, { settings, suppressed: async (_channel, address) => suppressed.includes(address) });
const at = (days: number) => new Date(start.getTime() + days * 86_400_000).toISOString();
const subscriber = { email: 'ada@example.com', consent: { email: { marketing: true } } };

describe('journey dry run', () => {
  it('plays the welcome journey: two emails when the contact does not engage', async () => {
    const result = await run(welcome, {
      contact: subscriber,
      events: [{ type: 'contact.created', data: { consent: { email: { marketing: { granted: true } } } } }],
    });
    expect(result).toMatchObject({ enrolled: true, result: 'completed' });
    expect(result.messages).toEqual([
      { at: start.toISOString(), stepId: 'welcome', channel: 'email', purpose: 'marketing', templateId: ids.welcome, status: 'sent' },
      { at: at(3), stepId: 'second', channel: 'email', purpose: 'marketing', templateId: ids.second, status: 'sent' },
    ]);
    expect(result.path.map((p) => [p.stepId, p.outcome])).toEqual([
      ['welcome', 'sent'],
      ['engaged', 'waiting'],
      ['engaged', 'timed_out'],
      ['second', 'sent'],
    ]);
    expect(result.skipped).toEqual([{ stepId: 'done', reason: 'not reached: the run ended before it' }]);
  });

  it('stops after the first email when the contact replies, and writes nothing', async () => {
    const result = await run(welcome, {
      contact: subscriber,
      events: [
        { type: 'contact.created', data: { consent: { email: { marketing: { granted: true } } } } },
        { type: 'activity.logged', data: { type: 'message', direction: 'inbound' }, at: at(1) },
      ],
    });
    expect(result.messages.map((m) => m.stepId)).toEqual(['welcome']);
    expect(result.path.at(-1)).toMatchObject({ stepId: 'done', outcome: 'exited' });
    expect(result.skipped).toEqual([{ stepId: 'second', reason: 'not reached: the run ended before it' }]);
  });

  it('says why a contact is not enrolled', async () => {
    const result = await run(welcome, {
      contact: { email: 'no@example.com' },
      events: [{ type: 'contact.created', data: { consent: {} } }],
    });
    expect(result).toMatchObject({ enrolled: false, result: 'not_enrolled', reason: 'no event matched the trigger', messages: [] });
    expect((await run(winBack, { contact: { lifecycleStage: 'lead' } })).reason).toBe('the contact is not in the journey’s segment');
  });

  it('plays the win-back journey: skips the SMS without consent, and an order ends it on its goal', async () => {
    const noSms = await run(winBack, { contact: { ...subscriber, phone: '+14155550123', lifecycleStage: 'customer' } });
    expect(noSms.result).toBe('completed');
    expect(noSms.messages.map((m) => m.stepId)).toEqual(['offer']);
    expect(noSms.path.find((p) => p.stepId === 'sms-consent')).toMatchObject({
      outcome: 'branched',
      detail: 'no condition matched: to grace',
    });

    const sms = {
      ...subscriber,
      phone: '+14155550123',
      lifecycleStage: 'customer',
      consent: { email: { marketing: true }, sms: { marketing: true } },
    };
    const ordered = await run(winBack, {
      contact: sms,
      events: [{ type: 'order.placed', data: { orderId: 'o1', total: { amount: 100, currency: 'EUR' } }, at: at(10) }],
    });
    expect(ordered.messages.map((m) => [m.stepId, m.channel])).toEqual([
      ['offer', 'email'],
      ['sms', 'sms'],
    ]);
    expect(ordered).toMatchObject({ result: 'exited', reason: 'goal: order.placed' });
    expect(ordered.skipped.map((s) => s.stepId)).toEqual(['churned', 'watch']);
  });

  it('tells a send the policy would skip', async () => {
    const result = await run(winBack, { contact: { phone: '+14155550123', lifecycleStage: 'loyal' } });
    expect(result.skipped[0]).toEqual({ stepId: 'offer', reason: 'the contact has no email address' });
    expect(result.messages).toEqual([
      expect.objectContaining({ stepId: 'offer', status: 'skipped', reason: 'the contact has no email address' }),
    ]);
  });

  it('enrols a new contact in a contact.created journey from the contact alone, as the contacts service publishes it', async () => {
    const result = await run(welcome, { contact: subscriber });
    expect(result).toMatchObject({ enrolled: true, result: 'completed' });
    expect(result.messages.map((m) => [m.stepId, m.status])).toEqual([
      ['welcome', 'sent'],
      ['second', 'sent'],
    ]);
    expect((await run(welcome, { contact: { email: 'no@example.com' } })).enrolled).toBe(false);
  });

  it('holds a send in the quiet hours until they end', async () => {
    const late = { ...defaultSettings, quietHours: { start: '09:00', end: '11:30' } };
    const result = await run(welcome, { contact: subscriber }, late);
    expect(result.messages[0]).toMatchObject({ stepId: 'welcome', status: 'deferred', until: '2026-03-02T11:30:00.000Z' });
    expect(result.path[0]).toMatchObject({
      stepId: 'welcome',
      outcome: 'deferred',
      detail: 'quiet hours: sent at 2026-03-02T11:30:00.000Z',
    });
    // 10:00 UTC is 02:00 in Los Angeles: the default 21:00–08:00 quiet hours in the contact's zone.
    const zoned = await run(welcome, { contact: { ...subscriber, timeZone: 'America/Los_Angeles' } });
    expect(zoned.messages[0]).toMatchObject({ status: 'deferred', until: '2026-03-02T16:00:00.000Z' });
  });

  it('skips a send to a suppressed address and one over the frequency cap', async () => {
    const suppressed = await run(welcome, { contact: subscriber }, defaultSettings, ['ada@example.com']);
    expect(suppressed.messages.map((m) => [m.status, m.reason])).toEqual([
      ['skipped', "the contact's email address is on the suppression list"],
      ['skipped', "the contact's email address is on the suppression list"],
    ]);
    expect(suppressed.skipped.map((s) => s.stepId)).toEqual(['welcome', 'second', 'done']);

    const onePerWeek = { ...openAllDay, frequencyCaps: { ...defaultSettings.frequencyCaps, marketing: { perDay: null, perWeek: 1 } } };
    const capped = await run(welcome, { contact: subscriber }, onePerWeek);
    expect(capped.messages.map((m) => [m.stepId, m.status, m.reason])).toEqual([
      ['welcome', 'sent', undefined],
      ['second', 'skipped', 'the marketing frequency cap of 1 per week is reached'],
    ]);
    expect(capped.path.at(-1)).toMatchObject({
      stepId: 'second',
      outcome: 'skipped',
      detail: 'the marketing frequency cap of 1 per week is reached',
    });
  });

  it('counts a send held by quiet hours against the cap of the day it leaves', async () => {
    const twice = version({
      name: 'twice',
      trigger: { type: 'event', eventType: 'contact.created' },
      steps: [
        { id: 'a', type: 'send_email', templateId: ids.welcome },
        { id: 'b', type: 'send_email', templateId: ids.second },
      ],
    });
    const settings = {
      ...defaultSettings,
      quietHours: { start: '09:00', end: '11:30' },
      frequencyCaps: { ...defaultSettings.frequencyCaps, marketing: { perDay: 1, perWeek: null } },
    };
    const result = await run(twice, { contact: subscriber }, settings);
    expect(result.messages.map((m) => [m.stepId, m.status, m.reason])).toEqual([
      ['a', 'deferred', 'quiet hours'],
      ['b', 'skipped', 'held by quiet hours until 2026-03-02T11:30:00.000Z, then the marketing frequency cap of 1 per day is reached'],
    ]);
  });
});
