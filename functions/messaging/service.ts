import { config } from '../../shared/config.ts';
import { normalizeEmail, toE164 } from '../../shared/domain/normalize.ts';
import { changedFields } from '../../shared/domain/patch.ts';
import { conflict, invalid, notFound, preconditionFailed } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { Reply } from '../../shared/http/reply.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { type MessageRepository, messageStore } from './message-store.ts';
import type { messagingRoutes } from './routes.ts';
import type { MessageLog, SendChannel, Template } from './schemas.ts';
import { effectiveSettings, SettingsChanged, type SettingsRepository, settingsStore } from './settings.ts';
import { type SuppressionRepository, suppressionStore } from './suppression-store.ts';
import { TemplateChanged, type TemplateRepository, templateStore } from './template-store.ts';
import { compiledTemplate, createTemplate, templateEventData } from './templates.ts';
import { changePreferences, showPreferences } from './unsubscribe.ts';

/** What the API shows of a log item: not the request a deferred message keeps. */
const messageView = ({ request: _, deferrals: __, ...view }: MessageLog) => view;

const liveTemplate = async (templates: TemplateRepository, tenantId: string, id: string, ifMatch?: number): Promise<Template> => {
  const template = await templates.head(tenantId, id, true);
  if (!template || template.deletedAt) throw notFound('template');
  if (ifMatch !== undefined && ifMatch !== template.version) throw preconditionFailed();
  return template;
};

/** A lost race on a template or settings: 412 when the client named a version, else 409 to retry. */
const changedMeanwhile = (ifMatch: number | undefined) =>
  ifMatch === undefined ? conflict('it changed while this request was applied; read it again and retry') : preconditionFailed();

const normalizedAddress = (channel: SendChannel, address: string): string => {
  const normalized = channel === 'email' ? normalizeEmail(address) : toE164(address);
  if (!normalized)
    throw invalid('not a phone number', { 'path.address': ['must be a phone number in international format, e.g. +14155550123'] });
  return normalized;
};

/** The domain of an address, bare or as "Name <a@b>"; the stack may send only from MAIL_FROM's domain. */
const domainOf = (address: string | undefined) => /@([^>\s]+)>?\s*$/.exec(address ?? '')?.[1]?.toLowerCase();

/** The stores the HTTP service works on: DynamoDB in the stack, in-memory fakes in unit tests. */
export interface MessagingRepositories {
  messages: Pick<MessageRepository, 'listByContact'>;
  templates: TemplateRepository;
  suppressions: SuppressionRepository;
  settings: SettingsRepository;
}

export const createMessagingService = ({
  messages,
  templates,
  suppressions,
  settings,
}: MessagingRepositories): ServiceFor<typeof messagingRoutes, RequestContext> => ({
  async listMessages({ query }, ctx) {
    const page = await messages.listByContact(ctx.tenantId, query.contactId, query.limit, query.cursor);
    return { items: page.items.map(messageView), nextCursor: page.nextCursor };
  },

  createTemplate: ({ body }, ctx) => createTemplate(ctx.tenantId, body, templates),

  listTemplates: ({ query }, ctx) => templates.list(ctx.tenantId, query.limit, query.cursor),

  getTemplate: ({ params }, ctx) => liveTemplate(templates, ctx.tenantId, params.id),

  async updateTemplate({ params, body, ifMatch }, ctx) {
    const before = await liveTemplate(templates, ctx.tenantId, params.id, ifMatch);
    if (body.channel !== before.channel)
      throw invalid('a template keeps its channel', { 'body.channel': [`must stay ${before.channel}; create a new template instead`] });
    const after: Template = {
      id: before.id,
      createdAt: before.createdAt,
      ...(await compiledTemplate(body)),
      version: before.version + 1,
      updatedAt: clock().now().toISOString(),
    };
    try {
      const changed = changedFields(before, after);
      await templates.update(
        ctx.tenantId,
        before,
        after,
        domainEvent(ctx.tenantId, 'template.updated', { ...templateEventData(after), changed }),
      );
    } catch (error) {
      if (error instanceof TemplateChanged) throw changedMeanwhile(ifMatch);
      throw error;
    }
    return after;
  },

  async getTemplateVersion({ params }, ctx) {
    const version = await templates.version(ctx.tenantId, params.id, params.version);
    if (!version) throw notFound('template version');
    return version;
  },

  async deleteTemplate({ params, ifMatch }, ctx) {
    const template = await liveTemplate(templates, ctx.tenantId, params.id, ifMatch);
    const at = clock().now().toISOString();
    try {
      await templates.claimDelete(ctx.tenantId, template, at);
      const journeys = await templates.usedBy(ctx.tenantId, template.id);
      if (journeys.length) {
        await templates.releaseDelete(ctx.tenantId, template, at);
        const named = journeys.map((j) => `${j.name} (${j.id}, ${j.status})`).join(', ');
        throw conflict(
          `the template is sent by journeys that may still enrol contacts: ${named}; archive them or change their steps first`,
          { journeys },
        );
      }
      await templates.delete(ctx.tenantId, template, at, domainEvent(ctx.tenantId, 'template.deleted', templateEventData(template)));
    } catch (error) {
      if (error instanceof TemplateChanged) throw changedMeanwhile(ifMatch);
      throw error;
    }
    return undefined;
  },

  listSuppressions: ({ query }, ctx) => suppressions.list(ctx.tenantId, query.channel, query.limit, query.cursor),

  async addSuppression({ body }, ctx) {
    const { entry, created } = await suppressions.add(ctx.tenantId, {
      ...body,
      reason: 'manual',
      createdBy: ctx.userId,
      createdAt: clock().now().toISOString(),
    });
    return created ? entry : new Reply(200, entry);
  },

  async getSuppression({ params }, ctx) {
    const entry = await suppressions.get(ctx.tenantId, params.channel, normalizedAddress(params.channel, params.address));
    if (!entry) throw notFound('suppression');
    return entry;
  },

  async removeSuppression({ params }, ctx) {
    if (!(await suppressions.remove(ctx.tenantId, params.channel, normalizedAddress(params.channel, params.address))))
      throw notFound('suppression');
    return undefined;
  },

  getMessagingSettings: (_request, ctx) => settings.get(ctx.tenantId),

  async updateMessagingSettings({ body, ifMatch }, ctx) {
    const sendingDomain = domainOf(config.MAIL_FROM);
    if (body.from && sendingDomain && domainOf(body.from) !== sendingDomain) {
      throw invalid('the sender must be on the verified sending domain', { 'body.from': [`must be an address at ${sendingDomain}`] });
    }
    const current = await settings.get(ctx.tenantId, true);
    if (ifMatch !== undefined && ifMatch !== current.version) throw preconditionFailed();
    try {
      const updatedAt = clock().now().toISOString();
      const version = current.version + 1;
      const changed = changedFields(current, effectiveSettings({ ...body, version, updatedAt }));
      const event = domainEvent(ctx.tenantId, 'messaging.settings_updated', { version, changed });
      return await settings.replace(ctx.tenantId, body, current.version, updatedAt, event);
    } catch (error) {
      if (error instanceof SettingsChanged) throw changedMeanwhile(ifMatch);
      throw error;
    }
  },

  showPreferences: ({ params }) => showPreferences(params.token),

  changePreferences: ({ params, body }) => changePreferences(params.token, body),
});

export const messagingService = createMessagingService({
  messages: messageStore,
  templates: templateStore,
  suppressions: suppressionStore,
  settings: settingsStore,
});
