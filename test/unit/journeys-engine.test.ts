import { describe, expect, it } from 'vitest';
import type { RunStore } from '../../functions/journeys/run.ts';
import { builtInTemplates } from '../../functions/journeys/templates.ts';
import { newId } from '../../shared/ports/ids.ts';
import { contact, day, harness, start, version } from './journeys-fakes.ts';

const welcomeTemplate = newId();
const secondTemplate = newId();
const smsTemplate = newId();
const onCreated = { type: 'event', eventType: 'contact.created' } as const;

describe('journey engine: steps', () => {
  it('sends email and SMS with a dedupe key per run, step and visit, then completes', async () => {
    const v = version({
      name: 'j',
      trigger: onCreated,
      steps: [
        { id: 'mail', type: 'send_email', templateId: welcomeTemplate },
        { id: 'text', type: 'send_sms', templateId: smsTemplate, purpose: 'transactional' },
      ],
    });
    const h = harness([v]);
    const c = h.addContact(contact());
    await h.event('contact.created', c.id);
    const [run] = h.runs();
    expect(h.sent.map((s) => [s.channel, s.purpose, s.templateId, s.dedupeKey])).toEqual([
      ['email', 'marketing', welcomeTemplate, `journey:${run!.id}:mail:1`],
      ['sms', 'transactional', smsTemplate, `journey:${run!.id}:text:1`],
    ]);
    expect(run).toMatchObject({
      status: 'completed',
      end: { reason: 'completed' },
      steps: { mail: { status: 'sent' }, text: { status: 'sent' } },
    });
    expect(h.mem.stats(v.journeyId)).toMatchObject({ entered: 1, inProgress: 0, completed: 1, sent: 2 });
    expect(h.mem.stats(v.journeyId, 'mail')).toMatchObject({ entered: 1, completed: 1, sent: 1 });
  });

  it('records a skipped or failed send in the run and in the counters', async () => {
    const v = version({
      name: 'j',
      trigger: onCreated,
      steps: [
        { id: 'mail', type: 'send_email', templateId: welcomeTemplate },
        { id: 'text', type: 'send_sms', templateId: smsTemplate },
      ],
    });
    const h = harness([v]);
    h.setOutcome((r) =>
      r.channel === 'email' ? { status: 'skipped', reason: 'no-consent' } : { status: 'failed', reason: 'provider down' },
    );
    const c = h.addContact(contact());
    await h.event('contact.created', c.id);
    expect(h.runs()[0]!.steps).toMatchObject({
      mail: { status: 'skipped', reason: 'no-consent' },
      text: { status: 'failed', reason: 'provider down' },
    });
    expect(h.mem.stats(v.journeyId)).toMatchObject({ sent: 0, skipped: 1, failed: 1, completed: 1 });
  });

  it('waits a duration on the scheduler, then goes on', async () => {
    const v = version({
      name: 'j',
      trigger: onCreated,
      steps: [
        { id: 'pause', type: 'wait', duration: 'P3D' },
        { id: 'mail', type: 'send_email', templateId: welcomeTemplate },
      ],
    });
    const h = harness([v]);
    const c = h.addContact(contact());
    await h.event('contact.created', c.id);
    const [run] = h.runs();
    expect([...h.jobs.values()]).toEqual([
      {
        name: `j-${run!.id}-1-pause`,
        at: new Date(start.getTime() + 3 * day),
        target: 'journeys',
        payload: { kind: 'wake', tenantId: 'acme', runId: run!.id, stepId: 'pause', visit: 1 },
      },
    ]);
    expect(h.mem.stats(v.journeyId, 'pause')).toMatchObject({ entered: 1, inProgress: 1 });
    await h.advance(3 * day - 1);
    expect(h.sent).toHaveLength(0);
    await h.advance(1);
    expect(h.sent).toHaveLength(1);
    expect(h.runs()[0]!.status).toBe('completed');
    expect(h.mem.stats(v.journeyId, 'pause')).toMatchObject({ entered: 1, inProgress: 0, completed: 1 });
  });

  it('waits until a time of day in the contact’s time zone', async () => {
    const v = version({
      name: 'j',
      trigger: onCreated,
      steps: [
        { id: 'morning', type: 'wait_until', time: '09:00' },
        { id: 'mail', type: 'send_email', templateId: welcomeTemplate },
      ],
    });
    const h = harness([v]);
    // 10:00 UTC is 11:00 in Paris: the next 09:00 there is tomorrow, 08:00 UTC.
    const c = h.addContact(contact({ timeZone: 'Europe/Paris' }));
    await h.event('contact.created', c.id);
    expect([...h.jobs.values()][0]!.at.toISOString()).toBe('2026-03-03T08:00:00.000Z');
    const tokyo = h.addContact(contact({ timeZone: 'Asia/Tokyo' }));
    await h.event('contact.created', tokyo.id);
    // 10:00 UTC is 19:00 in Tokyo: tomorrow 09:00 there is 00:00 UTC.
    expect([...h.jobs.values()][1]!.at.toISOString()).toBe('2026-03-03T00:00:00.000Z');
  });

  it('creates a task for the owner, due as the step says, and skips it when nobody owns the contact', async () => {
    const v = version({
      name: 'j',
      trigger: onCreated,
      steps: [
        { id: 'call', type: 'create_task', title: 'Call them', due: 'next_business_day' },
        { id: 'later', type: 'create_task', title: 'Check in', due: 'PT4H' },
      ],
    });
    const h = harness([v]);
    const owned = h.addContact(contact({ ownerId: 'user-7' }));
    await h.event('contact.created', owned.id);
    expect(h.tasks.map((t) => [t.ownerId, t.title, t.dueAt])).toEqual([
      ['user-7', 'Call them', new Date(start.getTime() + day).toISOString()],
      ['user-7', 'Check in', new Date(start.getTime() + 4 * 3600_000).toISOString()],
    ]);
    const orphan = h.addContact(contact());
    await h.event('contact.created', orphan.id);
    expect(h.tasks).toHaveLength(2);
    expect(h.runs().find((r) => r.contactId === orphan.id)!.steps.call).toMatchObject({
      status: 'skipped',
      reason: 'the contact has no owner',
    });
  });

  it('updates the contact’s stage, tags and attributes', async () => {
    const v = version({
      name: 'j',
      trigger: onCreated,
      steps: [
        {
          id: 'tag',
          type: 'update_contact',
          lifecycleStage: 'at-risk',
          addTags: ['Win-Back'],
          removeTags: ['vip'],
          attributes: { plan: 'gold', old: null },
        },
      ],
    });
    const h = harness([v]);
    const c = h.addContact(contact({ tags: ['vip', 'newsletter'], attributes: { old: 1 } }));
    await h.event('contact.created', c.id);
    expect(h.contact(c.id)).toMatchObject({ lifecycleStage: 'at-risk', tags: ['newsletter', 'win-back'], attributes: { plan: 'gold' } });
  });

  it('sends a survey after its delay', async () => {
    const v = version({
      name: 'j',
      trigger: onCreated,
      steps: [{ id: 'ask', type: 'send_survey', kind: 'nps', question: 'Recommend us?', delay: 'P1D' }],
    });
    const h = harness([v]);
    const c = h.addContact(contact());
    await h.event('contact.created', c.id);
    expect(h.surveys).toHaveLength(0);
    await h.advance(day);
    expect(h.surveys.map((s) => [s.kind, s.question, s.dedupeKey])).toEqual([['nps', 'Recommend us?', `journey:${h.runs()[0]!.id}:ask:1`]]);
    expect(h.runs()[0]!.steps.ask).toMatchObject({ status: 'sent', sendId: expect.any(String) });
  });

  it('names the resolved ticket on a survey its ticket.resolved trigger asked for', async () => {
    const ask = { id: 'ask', type: 'send_survey', kind: 'csat', question: 'How did we do?' } as const;
    const h = harness([
      version({ name: 'csat', trigger: { type: 'event', eventType: 'ticket.resolved' }, steps: [ask] }),
      version({ name: 'nps', trigger: onCreated, steps: [{ ...ask, kind: 'nps' }] }),
    ]);
    const c = h.addContact(contact());
    await h.event('ticket.resolved', c.id, { ticketId: 'T1' });
    await h.event('contact.created', c.id);
    expect(h.surveys.map((s) => [s.kind, s.ticketId])).toEqual([
      ['csat', 'T1'],
      ['nps', undefined],
    ]);
  });

  it('ends at an exit step and ends runs of a deleted contact', async () => {
    const v = version({
      name: 'j',
      trigger: onCreated,
      steps: [
        { id: 'out', type: 'exit' },
        { id: 'never', type: 'send_email', templateId: welcomeTemplate },
      ],
    });
    const h = harness([v]);
    const c = h.addContact(contact());
    await h.event('contact.created', c.id);
    expect(h.runs()[0]).toMatchObject({ status: 'completed', end: { reason: 'exit_step' } });
    expect(h.sent).toHaveLength(0);

    const waiting = version({
      name: 'w',
      trigger: onCreated,
      steps: [
        { id: 'pause', type: 'wait', duration: 'P1D' },
        { id: 'mail', type: 'send_email', templateId: welcomeTemplate },
      ],
    });
    const h2 = harness([waiting]);
    const d = h2.addContact(contact());
    await h2.event('contact.created', d.id);
    h2.deleteContact(d.id);
    await h2.event('contact.deleted', d.id);
    expect(h2.runs()[0]).toMatchObject({ status: 'exited', end: { reason: 'contact_deleted' } });
    expect(h2.jobs.size).toBe(0);
    expect(h2.mem.stats(waiting.journeyId)).toMatchObject({ inProgress: 0, exitedOther: 1 });
  });
});

describe('journey engine: waiting for an event', () => {
  const v = version({
    name: 'j',
    trigger: onCreated,
    steps: [
      {
        id: 'engaged',
        type: 'wait_for_event',
        eventType: 'activity.logged',
        filter: { type: ['call', 'meeting'] },
        timeout: 'P3D',
        onTimeout: 'nudge',
      },
      { id: 'thanks', type: 'send_email', templateId: welcomeTemplate, next: 'done' },
      { id: 'nudge', type: 'send_email', templateId: secondTemplate },
      { id: 'done', type: 'exit' },
    ],
  });

  it('goes on when the event arrives in time, and cancels the timeout', async () => {
    const h = harness([v]);
    const c = h.addContact(contact());
    await h.event('contact.created', c.id);
    const [timeout] = [...h.jobs.keys()];
    await h.advance(day);
    await h.event('activity.logged', c.id, { type: 'note' });
    expect(h.sent).toHaveLength(0);
    const call = await h.event('activity.logged', c.id, { type: 'call' });
    expect(h.sent.map((s) => s.templateId)).toEqual([welcomeTemplate]);
    expect(h.cancelled).toEqual([timeout]);
    expect(h.runs()[0]!.steps.engaged).toMatchObject({
      status: 'event',
      event: { type: 'activity.logged', id: call.id, data: { type: 'call' } },
    });
    await h.advance(5 * day);
    expect(h.sent).toHaveLength(1);
  });

  it('follows onTimeout when the event does not come', async () => {
    const h = harness([v]);
    const c = h.addContact(contact());
    await h.event('contact.created', c.id);
    await h.advance(3 * day);
    expect(h.sent.map((s) => s.templateId)).toEqual([secondTemplate]);
    expect(h.runs()[0]).toMatchObject({ status: 'completed', steps: { engaged: { status: 'timed_out' } } });
    await h.event('activity.logged', c.id, { type: 'call' });
    expect(h.sent).toHaveLength(1);
  });

  it('ignores an event that names another run', async () => {
    const answered = version({
      name: 'survey',
      trigger: onCreated,
      steps: [
        { id: 'ask', type: 'send_survey', kind: 'nps', question: 'Recommend us?' },
        { id: 'answer', type: 'wait_for_event', eventType: 'survey.responded', timeout: 'P7D', onTimeout: 'done' },
        { id: 'thanks', type: 'send_email', templateId: welcomeTemplate },
        { id: 'done', type: 'exit' },
      ],
    });
    const h = harness([answered]);
    const c = h.addContact(contact());
    await h.event('contact.created', c.id);
    const runId = h.runs()[0]!.id;
    const response = { surveyId: 's', sendId: 'x', kind: 'nps', score: 9 };
    await h.event('survey.responded', c.id, { ...response, runId: newId() });
    expect(h.sent).toHaveLength(0);
    await h.event('survey.responded', c.id, { ...response, runId });
    expect(h.sent).toHaveLength(1);
  });
});

describe('journey engine: branches', () => {
  it('branches on what happened earlier in the run: a survey score', async () => {
    const v = version({
      name: 'nps',
      trigger: onCreated,
      steps: [
        { id: 'ask', type: 'send_survey', kind: 'nps', question: 'Recommend us?' },
        { id: 'answer', type: 'wait_for_event', eventType: 'survey.responded', timeout: 'P7D', onTimeout: 'done' },
        {
          id: 'score',
          type: 'branch',
          conditions: [{ when: { run: { steps: { answer: { event: { data: { score: [{ numeric: ['<=', 6] }] } } } } } }, goto: 'rescue' }],
          otherwise: 'thanks',
        },
        { id: 'rescue', type: 'create_task', title: 'Call the detractor', due: 'PT1H', next: 'done' },
        { id: 'thanks', type: 'send_email', templateId: welcomeTemplate },
        { id: 'done', type: 'exit' },
      ],
    });
    const h = harness([v]);
    const detractor = h.addContact(contact({ ownerId: 'u1' }));
    const promoter = h.addContact(contact({ ownerId: 'u1' }));
    for (const c of [detractor, promoter]) await h.event('contact.created', c.id);
    const runOf = (contactId: string) => h.runs().find((r) => r.contactId === contactId)!;
    await h.event('survey.responded', detractor.id, { surveyId: 's', sendId: 'x', kind: 'nps', score: 3, runId: runOf(detractor.id).id });
    await h.event('survey.responded', promoter.id, { surveyId: 's', sendId: 'y', kind: 'nps', score: 10, runId: runOf(promoter.id).id });
    expect(h.tasks.map((t) => t.contactId)).toEqual([detractor.id]);
    expect(h.sent.map((s) => s.contactId)).toEqual([promoter.id]);
    expect(runOf(detractor.id).steps.score).toMatchObject({ status: 'branched', goto: 'rescue', reason: 'condition 1 matched' });
    expect(runOf(promoter.id).steps.score).toMatchObject({ goto: 'thanks', reason: 'no condition matched' });
  });

  it('branches on a message outcome and on contact attributes', async () => {
    const v = version({
      name: 'j',
      trigger: onCreated,
      steps: [
        { id: 'mail', type: 'send_email', templateId: welcomeTemplate },
        {
          id: 'fallback',
          type: 'branch',
          conditions: [
            { when: { run: { steps: { mail: { status: ['sent'] } } } }, goto: 'done' },
            { when: { contact: { attributes: { plan: ['gold'] } } }, goto: 'text' },
          ],
          otherwise: 'done',
        },
        { id: 'text', type: 'send_sms', templateId: smsTemplate },
        { id: 'done', type: 'exit' },
      ],
    });
    const h = harness([v]);
    h.setOutcome((r) => (r.channel === 'email' ? { status: 'skipped', reason: 'no-consent' } : { status: 'sent', messageId: 'm' }));
    const gold = h.addContact(contact({ attributes: { plan: 'gold' } }));
    const basic = h.addContact(contact({ attributes: { plan: 'basic' } }));
    for (const c of [gold, basic]) await h.event('contact.created', c.id);
    expect(h.sent.map((s) => [s.contactId, s.channel])).toEqual([[gold.id, 'sms']]);
  });

  it('runs a loop with a wait in it, with a fresh dedupe key per visit, and stops it at the visit limit', async () => {
    const v = version({
      name: 'j',
      trigger: onCreated,
      steps: [
        { id: 'ping', type: 'send_email', templateId: welcomeTemplate },
        { id: 'pause', type: 'wait', duration: 'P1D' },
        { id: 'again', type: 'branch', conditions: [{ when: { contact: { tags: ['stop'] } }, goto: 'done' }], otherwise: 'ping' },
        { id: 'done', type: 'exit' },
      ],
    });
    const h = harness([v]);
    const c = h.addContact(contact());
    await h.event('contact.created', c.id);
    await h.advance(2 * day);
    const runId = h.runs()[0]!.id;
    expect(h.sent.map((s) => s.dedupeKey)).toEqual([1, 2, 3].map((n) => `journey:${runId}:ping:${n}`));
    h.patchContact(c.id, { addTags: ['stop'] });
    await h.advance(day);
    expect(h.runs()[0]).toMatchObject({ status: 'completed', end: { reason: 'exit_step' } });
    expect(h.sent).toHaveLength(3);

    const endless = harness([v]);
    const e = endless.addContact(contact());
    await endless.event('contact.created', e.id);
    await endless.advance(200 * day);
    expect(endless.sent).toHaveLength(100);
    expect(endless.runs()[0]).toMatchObject({ status: 'exited', end: { reason: 'loop_limit' } });
  });
});

describe('journey engine: the follow-up template reads the real deals', () => {
  const followUp = () => {
    const definition = builtInTemplates['follow-up'].build({ 'follow-up': welcomeTemplate });
    return version(definition as Parameters<typeof version>[0]);
  };

  it('sends the follow-up unless one of the contact’s open deals entered a new stage since the conversation', async () => {
    const h = harness([followUp()]);
    const still = h.addContact(contact({ ownerId: 'u1' }));
    const moved = h.addContact(contact({ ownerId: 'u1' }));
    const none = h.addContact(contact({ ownerId: 'u1' }));
    const before = new Date(start.getTime() - day).toISOString();
    h.setDeals(still.id, [{ id: 'd1', pipelineId: 'p', stageId: 'proposal', stageEnteredAt: before }]);
    h.setDeals(moved.id, [{ id: 'd2', pipelineId: 'p', stageId: 'proposal', stageEnteredAt: before }]);
    for (const c of [still, moved, none]) await h.event('activity.logged', c.id, { activityId: newId(), type: 'meeting' });
    expect(h.dealReads()).toBe(0); // read only when the branch asks, at send time
    await h.advance(day);
    // The deal moves on while the run waits, with no event reaching the journey (the contact is not its primary one).
    h.setDeals(moved.id, [{ id: 'd2', pipelineId: 'p', stageId: 'negotiation', stageEnteredAt: h.now().toISOString() }]);
    await h.advance(day + 1000);
    expect(h.sent.map((m) => m.contactId).sort()).toEqual([still.id, none.id].sort());
    const runOf = (contactId: string) => h.runs().find((r) => r.contactId === contactId)!;
    expect(runOf(moved.id).steps['deal-moved-on']).toMatchObject({ goto: 'moved-on', reason: 'condition 1 matched' });
    expect(runOf(still.id).steps['deal-moved-on']).toMatchObject({ goto: 'email' });
    expect(h.dealReads()).toBe(3);
  });
});

describe('journey engine: exit goals', () => {
  it('ends a run at once when its goal event arrives mid-wait, cancels its schedule and applies the goal’s update', async () => {
    const v = version({
      name: 'win-back',
      trigger: onCreated,
      steps: [
        { id: 'offer', type: 'send_email', templateId: welcomeTemplate },
        { id: 'pause', type: 'wait', duration: 'P7D' },
        { id: 'text', type: 'send_sms', templateId: smsTemplate },
      ],
      goals: [
        {
          eventType: 'order.placed',
          filter: { total: { amount: [{ numeric: ['>', 0] }] } },
          updateContact: { lifecycleStage: 'customer', addTags: ['won-back'] },
        },
      ],
    });
    const h = harness([v]);
    const c = h.addContact(contact({ lifecycleStage: 'at-risk' }));
    await h.event('contact.created', c.id);
    const [pending] = [...h.jobs.keys()];
    await h.advance(2 * day);
    await h.event('order.placed', c.id, { orderId: 'free', total: { amount: 0, currency: 'EUR' } });
    expect(h.runs()[0]!.status).toBe('active');
    await h.event('order.placed', c.id, { orderId: 'o1', total: { amount: 4999, currency: 'EUR' } });
    expect(h.runs()[0]).toMatchObject({ status: 'exited', end: { reason: 'goal', goal: 'order.placed' } });
    expect(h.cancelled).toEqual([pending]);
    expect(h.contact(c.id)).toMatchObject({ lifecycleStage: 'customer', tags: ['won-back'] });
    await h.advance(10 * day);
    expect(h.sent.map((s) => s.channel)).toEqual(['email']);
    expect(h.mem.stats(v.journeyId)).toMatchObject({ entered: 1, inProgress: 0, exitedByGoal: 1, completed: 0 });
    expect(h.mem.stats(v.journeyId, 'pause')).toMatchObject({ inProgress: 0, exitedByGoal: 1 });
  });
});

describe('journey engine: enrolment', () => {
  const steps = [
    { id: 'pause', type: 'wait', duration: 'P2D' },
    { id: 'mail', type: 'send_email', templateId: welcomeTemplate },
  ] as const;
  const onActivity = { type: 'event', eventType: 'activity.logged', filter: { type: ['meeting'] } } as const;
  const entries = async (reentry: object, gapsInDays: number[]) => {
    const h = harness([version({ name: 'j', trigger: onActivity, steps: [...steps], reentry: reentry as never })]);
    const c = h.addContact(contact());
    for (const gap of gapsInDays) {
      await h.advance(gap * day);
      await h.event('activity.logged', c.id, { type: 'meeting' });
    }
    return h.runs().length;
  };

  it('enrols on a matching trigger only', async () => {
    const h = harness([version({ name: 'j', trigger: onActivity, steps: [...steps] })]);
    const c = h.addContact(contact());
    await h.event('activity.logged', c.id, { type: 'call' });
    expect(h.runs()).toHaveLength(0);
    await h.event('activity.logged', c.id, { type: 'meeting' });
    expect(h.runs()).toHaveLength(1);
  });

  it('applies the re-entry modes', async () => {
    expect(await entries({ mode: 'never' }, [0, 1, 5])).toBe(1);
    expect(await entries({ mode: 'any_time' }, [0, 1, 5])).toBe(3);
    // after_exit: the second meeting comes while the first run waits; the third after it ended.
    expect(await entries({ mode: 'after_exit' }, [0, 1, 5])).toBe(2);
    expect(await entries({ mode: 'any_time', minIntervalDays: 30 }, [0, 10, 25])).toBe(2);
    expect(await entries({ mode: 'after_exit', minIntervalDays: 30 }, [0, 5, 26])).toBe(2);
  });

  it('enrols once for a redelivered event', async () => {
    const v = version({
      name: 'j',
      trigger: onCreated,
      steps: [{ id: 'mail', type: 'send_email', templateId: welcomeTemplate }],
      reentry: { mode: 'any_time' },
    });
    const h = harness([v]);
    const c = h.addContact(contact());
    const first = await h.event('contact.created', c.id);
    await h.event('contact.created', c.id, {}, first.id);
    expect(h.runs()).toHaveLength(1);
    expect(h.sent).toHaveLength(1);
    expect(h.mem.stats(v.journeyId)).toMatchObject({ entered: 1, sent: 1 });
  });

  it('does not take a redelivered trigger for the run’s goal', async () => {
    const v = version({
      name: 'upsell',
      trigger: { type: 'event', eventType: 'order.placed' },
      steps: [
        { id: 'pause', type: 'wait', duration: 'P5D' },
        { id: 'mail', type: 'send_email', templateId: welcomeTemplate },
      ],
      goals: [{ eventType: 'order.placed' }],
    });
    const h = harness([v]);
    const c = h.addContact(contact());
    const order = await h.event('order.placed', c.id, { orderId: 'o1' });
    await h.event('order.placed', c.id, { orderId: 'o1' }, order.id);
    expect(h.runs().map((r) => r.status)).toEqual(['active']);
    await h.event('order.placed', c.id, { orderId: 'o2' });
    expect(h.runs()[0]).toMatchObject({ status: 'exited', end: { reason: 'goal' } });
  });

  it('retries a step after a crash without sending twice', async () => {
    const v = version({
      name: 'j',
      trigger: onCreated,
      steps: [
        { id: 'mail', type: 'send_email', templateId: welcomeTemplate },
        { id: 'pause', type: 'wait', duration: 'P1D' },
      ],
    });
    let crashes = 1;
    const crashing = (store: RunStore): RunStore => ({
      ...store,
      async commit(commit) {
        if (commit.step?.stepId === 'mail' && crashes-- > 0) throw new Error('lambda timed out');
        return store.commit(commit);
      },
    });
    const h = harness([v], { wrapStore: crashing });
    const c = h.addContact(contact());
    const event = await h.event('contact.created', c.id).catch((e: Error) => e);
    expect(event).toBeInstanceOf(Error);
    expect(h.runs()[0]!.at).toMatchObject({ stepId: 'mail' });
    // EventBridge redelivers the same event: the run goes on from the claimed step with the same dedupe key.
    await h.engine.handleEvent({
      id: h.runs()[0]!.trigger.eventId,
      type: 'contact.created',
      version: 1,
      tenantId: 'acme',
      occurredAt: start.toISOString(),
      data: { contactId: c.id },
    });
    expect(h.sent).toHaveLength(1);
    expect(h.runs()[0]!.at).toMatchObject({ stepId: 'pause', waiting: { kind: 'timer' } });
    expect(h.mem.claimed(h.runs()[0]!.id)).toBe(2);
  });

  it('lets runs finish on the version they entered', async () => {
    const journeyId = newId();
    const v1 = version(
      {
        name: 'j',
        trigger: onCreated,
        steps: [
          { id: 'pause', type: 'wait', duration: 'P1D' },
          { id: 'mail', type: 'send_email', templateId: welcomeTemplate },
        ],
        reentry: { mode: 'any_time' },
      },
      journeyId,
      1,
    );
    const v2 = version(
      {
        name: 'j',
        trigger: onCreated,
        steps: [
          { id: 'pause', type: 'wait', duration: 'P1D' },
          { id: 'mail', type: 'send_email', templateId: secondTemplate },
        ],
        reentry: { mode: 'any_time' },
      },
      journeyId,
      2,
    );
    const h = harness([v1]);
    const early = h.addContact(contact());
    await h.event('contact.created', early.id);
    h.mem.addVersion('acme', v2);
    const late = h.addContact(contact());
    await h.event('contact.created', late.id);
    await h.advance(day);
    expect(h.sent.map((s) => [s.contactId, s.templateId])).toEqual([
      [early.id, welcomeTemplate],
      [late.id, secondTemplate],
    ]);
  });
});
