import { beforeEach, describe, expect, it } from 'vitest';
import { createMessagingService } from '../../functions/messaging/service.ts';
import { Reply } from '../../shared/http/reply.ts';
import { memoryMessages, memorySettings, memorySuppressions, memoryTemplates } from '../support/fakes/messaging.ts';

const ctx = { tenantId: 'acme', userId: 'u-1', roles: ['admin' as const] };

describe('messaging service on in-memory stores', () => {
  let suppressions: ReturnType<typeof memorySuppressions>;
  let settings: ReturnType<typeof memorySettings>;
  let templates: ReturnType<typeof memoryTemplates>;
  let service: ReturnType<typeof createMessagingService>;

  beforeEach(() => {
    suppressions = memorySuppressions();
    settings = memorySettings();
    templates = memoryTemplates();
    service = createMessagingService({
      messages: memoryMessages().repository,
      templates: templates.repository,
      suppressions: suppressions.repository,
      settings: settings.repository,
    });
  });

  describe('suppressions', () => {
    it('lists an address once: a second add answers the first entry with 200', async () => {
      const first = await service.addSuppression(
        { params: undefined, query: undefined, body: { channel: 'email', address: 'bob@example.com' } },
        ctx,
      );
      expect(first).toMatchObject({ channel: 'email', address: 'bob@example.com', reason: 'manual', createdBy: 'u-1' });
      const again = await service.addSuppression(
        { params: undefined, query: undefined, body: { channel: 'email', address: 'bob@example.com', note: 'again' } },
        { ...ctx, userId: 'u-2' },
      );
      expect(again).toBeInstanceOf(Reply);
      expect((again as Reply).status).toBe(200);
      expect((again as Reply).body).toMatchObject({ createdBy: 'u-1' });
    });

    it('removes by the normalised address, and a missing one is not found', async () => {
      await suppressions.repository.add('acme', {
        channel: 'sms',
        address: '+33612345678',
        reason: 'manual',
        createdBy: 'u',
        createdAt: 'x',
      });
      await service.removeSuppression({ params: { channel: 'sms', address: '+33 6 12 34 56 78' }, query: undefined, body: undefined }, ctx);
      expect(suppressions.removed).toEqual([{ tenantId: 'acme', channel: 'sms', address: '+33612345678' }]);
      await expect(
        service.removeSuppression({ params: { channel: 'sms', address: '+33612345678' }, query: undefined, body: undefined }, ctx),
      ).rejects.toMatchObject({ kind: 'not-found' });
      await expect(
        service.removeSuppression({ params: { channel: 'sms', address: 'not a number' }, query: undefined, body: undefined }, ctx),
      ).rejects.toMatchObject({ kind: 'validation' });
    });
  });

  describe('settings', () => {
    const put = (body: Record<string, unknown>, ifMatch?: number) =>
      service.updateMessagingSettings({ params: undefined, query: undefined, body: body as never, ifMatch }, ctx);

    it('writes messaging.settings_updated naming the fields that changed from the effective settings', async () => {
      await put({ timeZone: 'Europe/Paris', quietHours: null });
      await put({ timeZone: 'Europe/Paris', quietHours: null, frequencyCaps: { surveys: { perDay: null, perWeek: 1 } } }, 1);
      expect(settings.events.map((e) => [e.type, e.data])).toEqual([
        ['messaging.settings_updated', { version: 1, changed: ['timeZone', 'quietHours'] }],
        ['messaging.settings_updated', { version: 2, changed: ['frequencyCaps'] }],
      ]);
    });

    it('refuses a stale If-Match before writing, and writes no event', async () => {
      await expect(put({ timeZone: 'Europe/Paris' }, 3)).rejects.toMatchObject({ kind: 'precondition-failed' });
      expect(settings.events).toEqual([]);
    });

    it('a change that lost a race is 409 without If-Match and 412 with it', async () => {
      const racing = settings.repository;
      const realGet = racing.get;
      // Someone else saves between this request's read and its write.
      racing.get = async (tenantId) => {
        const seen = await realGet(tenantId);
        await racing.replace(tenantId, { timeZone: 'UTC' } as never, seen.version, 'now', {} as never);
        return seen;
      };
      await expect(put({ timeZone: 'Europe/Paris' })).rejects.toMatchObject({ kind: 'conflict' });
      await expect(put({ timeZone: 'Europe/Paris' }, 1)).rejects.toMatchObject({ kind: 'precondition-failed' });
    });
  });

  describe('templates', () => {
    const req = <T>(parts: T) => ({ params: undefined, query: undefined, body: undefined, ...parts }) as never;
    const create = async () =>
      (await service.createTemplate(req({ body: { name: 'Promo', channel: 'email', subject: 'Sale', text: 'v1' } }), ctx)) as {
        id: string;
      };

    it('writes template.created, then template.updated naming the changed fields', async () => {
      const { id } = await create();
      await service.updateTemplate(
        req({ params: { id }, body: { name: 'Promo', channel: 'email', subject: 'Big sale', text: 'v1' }, ifMatch: 1 }),
        ctx,
      );
      expect(templates.events.map((e) => [e.type, e.data])).toEqual([
        ['template.created', { templateId: id, name: 'Promo', channel: 'email', version: 1 }],
        ['template.updated', { templateId: id, name: 'Promo', channel: 'email', version: 2, changed: ['subject'] }],
      ]);
    });

    it('keeps a template on its channel and refuses a stale If-Match, writing nothing', async () => {
      const { id } = await create();
      await expect(
        service.updateTemplate(req({ params: { id }, body: { name: 'Promo', channel: 'sms', body: 'x' } }), ctx),
      ).rejects.toMatchObject({
        kind: 'validation',
      });
      await expect(
        service.updateTemplate(
          req({ params: { id }, body: { name: 'Promo', channel: 'email', subject: 'x', text: 'y' }, ifMatch: 4 }),
          ctx,
        ),
      ).rejects.toMatchObject({ kind: 'precondition-failed' });
      expect(templates.events.map((e) => e.type)).toEqual(['template.created']);
    });

    it('refuses to delete a template a journey sends, gives it back, and writes template.deleted only when it goes', async () => {
      const { id } = await create();
      templates.use('acme', id, { id: 'j-1', name: 'Welcome', status: 'active' });
      await expect(service.deleteTemplate(req({ params: { id } }), ctx)).rejects.toMatchObject({
        kind: 'conflict',
        extra: { journeys: [{ id: 'j-1', name: 'Welcome', status: 'active' }] },
      });
      expect(templates.isMarked('acme', id)).toBe(false);
      expect(templates.events.map((e) => e.type)).toEqual(['template.created']);

      const other = await create();
      await service.deleteTemplate(req({ params: { id: other.id } }), ctx);
      expect(templates.events.map((e) => [e.type, e.data])).toEqual([
        ['template.created', expect.objectContaining({ templateId: id })],
        ['template.created', expect.objectContaining({ templateId: other.id })],
        ['template.deleted', { templateId: other.id, name: 'Promo', channel: 'email', version: 1 }],
      ]);
      await expect(service.getTemplate(req({ params: { id: other.id } }), ctx)).rejects.toMatchObject({ kind: 'not-found' });
    });
  });
});
