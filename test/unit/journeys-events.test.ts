import { describe, expect, it } from 'vitest';
import { journeyEventTypes } from '../../functions/journeys/event-types.ts';
import { memoryJourneyRepository } from '../../functions/journeys/memory-repository.ts';
import { journeyService } from '../../functions/journeys/service.ts';
import { subscriptions } from '../../functions/subscriptions.ts';
import type { RequestContext } from '../../shared/http/handler.ts';

const ctx = { tenantId: 'acme', userId: 'u1', roles: ['marketing'] } as unknown as RequestContext;

const definition = {
  name: 'Tag new contacts',
  trigger: { type: 'event' as const, eventType: 'contact.created' as const },
  steps: [{ id: 'tag', type: 'update_contact' as const, addTags: ['new'] }],
  goals: [],
  reentry: { mode: 'never' as const },
};

const setup = () => {
  const { repo, events } = memoryJourneyRepository();
  const service = journeyService({
    repo,
    checkTemplate: async () => undefined,
    createTemplate: async () => 'tpl-1',
    messaging: { settings: async () => ({}) as never, suppressed: async () => false },
  });
  const call = service as unknown as Record<string, (input: Record<string, unknown>, c: RequestContext) => Promise<any>>;
  return { events, call };
};

describe('journey events', () => {
  it('emits journey.created, journey.updated and each status change with the fields that changed', async () => {
    const { events, call } = setup();
    const created = await call.createJourney!({ body: definition }, ctx);
    expect(events.map((e) => e.type)).toEqual(['journey.created']);
    expect(events[0]).toMatchObject({
      tenantId: 'acme',
      data: { journeyId: created.id, name: 'Tag new contacts', version: 1, status: 'draft' },
    });

    await call.updateJourney!({ params: { id: created.id }, body: { ...definition, name: 'Tag them' } }, ctx);
    expect(events[1]).toMatchObject({
      type: 'journey.updated',
      data: { journeyId: created.id, name: 'Tag them', version: 2, status: 'draft', changed: ['name'] },
    });

    await call.activateJourney!({ params: { id: created.id } }, ctx);
    await call.pauseJourney!({ params: { id: created.id } }, ctx);
    await call.activateJourney!({ params: { id: created.id } }, ctx);
    await call.archiveJourney!({ params: { id: created.id } }, ctx);
    expect(events.slice(2).map((e) => [e.type, e.data.status, e.data.version])).toEqual([
      ['journey.activated', 'active', 2],
      ['journey.paused', 'paused', 2],
      ['journey.activated', 'active', 2],
      ['journey.archived', 'archived', 2],
    ]);
    expect(events[2]!.data.changed).toEqual(expect.arrayContaining(['status', 'activatedAt']));
    expect(events[3]!.data.changed).toEqual(['status']);
  });

  it('emits nothing when a status change is a no-op or refused, or a write loses', async () => {
    const { events, call } = setup();
    const created = await call.createJourney!({ body: definition }, ctx);
    await call.pauseJourney!({ params: { id: created.id } }, ctx).catch(() => undefined);
    await call.activateJourney!({ params: { id: created.id } }, ctx);
    await call.activateJourney!({ params: { id: created.id } }, ctx);
    await expect(call.updateJourney!({ params: { id: created.id }, body: definition, ifMatch: 7 }, ctx)).rejects.toMatchObject({
      kind: 'precondition-failed',
    });
    expect(events.map((e) => e.type)).toEqual(['journey.created', 'journey.activated']);
  });

  it('emits journey.deleted when a draft is deleted', async () => {
    const { events, call } = setup();
    const created = await call.createJourney!({ body: definition }, ctx);
    await call.deleteJourney!({ params: { id: created.id } }, ctx);
    expect(events.at(-1)).toMatchObject({ type: 'journey.deleted', data: { journeyId: created.id, status: 'draft', version: 1 } });
    await expect(call.getJourney!({ params: { id: created.id } }, ctx)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('a built-in template installs once: the second install emits nothing', async () => {
    const { events, call } = setup();
    await call.installJourneyTemplate!({ params: { name: 'survey' }, body: {} }, ctx);
    await expect(call.installJourneyTemplate!({ params: { name: 'survey' }, body: {} }, ctx)).rejects.toMatchObject({ kind: 'conflict' });
    expect(events.map((e) => [e.type, e.data.name])).toEqual([['journey.created', 'Satisfaction survey']]);
  });

  it('never routes journey events to the journeys subscriber: a journey cannot start on its own changes', () => {
    expect(journeyEventTypes.filter((type) => type.startsWith('journey.'))).toEqual([]);
    const routed = subscriptions.find((s) => s.context === 'journeys')!.pattern['detail-type'];
    expect(routed).not.toContain('journey.created');
    expect(routed).toContain('contact.created');
  });
});
