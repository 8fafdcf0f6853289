import { beforeEach, describe, expect, it } from 'vitest';
import { createMessagingService } from '../../functions/messaging/service.ts';
import type { TemplateRepository } from '../../functions/messaging/template-store.ts';
import { Reply } from '../../shared/http/reply.ts';
import { memoryMessages, memorySettings, memorySuppressions } from '../support/fakes/messaging.ts';

const ctx = { tenantId: 'acme', userId: 'u-1', roles: ['admin' as const] };
const unusedTemplates = {} as TemplateRepository;

describe('messaging service on in-memory stores', () => {
  let suppressions: ReturnType<typeof memorySuppressions>;
  let settings: ReturnType<typeof memorySettings>;
  let service: ReturnType<typeof createMessagingService>;

  beforeEach(() => {
    suppressions = memorySuppressions();
    settings = memorySettings();
    service = createMessagingService({
      messages: memoryMessages().repository,
      templates: unusedTemplates,
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
});
