import { invalid } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { compileErrors } from './liquid.ts';
import type { SendChannel, Template, TemplateInput } from './schemas.ts';
import { type TemplateRepository, templateStore } from './template-store.ts';

/** What every template.* event says of the template. */
export const templateEventData = ({ id, name, channel, version }: Template) => ({ templateId: id, name, channel, version });

/** The template as given, refused (400, naming each field) when a field does not compile. */
export const compiledTemplate = async (input: TemplateInput): Promise<TemplateInput> => {
  const errors = await compileErrors(input);
  if (Object.keys(errors).length) throw invalid('the template does not compile', errors);
  return input;
};

/**
 * Stores a tenant's template at version 1, as given: content that is known
 * to compile (built-in starter content, which a unit test compiles), so the
 * journey API installing it does not carry liquidjs.
 */
export const storeTemplate = async (
  tenantId: string,
  input: TemplateInput,
  templates: Pick<TemplateRepository, 'create'> = templateStore,
): Promise<Template> => {
  const now = clock().now().toISOString();
  const { name, channel, subject, html, text, body } = input;
  const template: Template = { id: newId(), version: 1, name, channel, subject, html, text, body, createdAt: now, updatedAt: now };
  await templates.create(tenantId, template, domainEvent(tenantId, 'template.created', templateEventData(template)));
  return template;
};

/** Creates a tenant's template at version 1 (POST /templates), refused when it does not compile. */
export const createTemplate = async (
  tenantId: string,
  input: TemplateInput,
  templates: Pick<TemplateRepository, 'create'> = templateStore,
): Promise<Template> => storeTemplate(tenantId, await compiledTemplate(input), templates);

/** For journey validation: undefined if the template exists for the channel, else a message. Stored templates compiled when they were written. */
export const checkTemplate = async (tenantId: string, templateId: string, channel: SendChannel): Promise<string | undefined> => {
  const template = await templateStore.head(tenantId, templateId);
  if (!template || template.deletedAt) return `template ${templateId} does not exist`;
  if (template.channel !== channel) return `template ${templateId} is an ${template.channel} template, not ${channel}`;
  return undefined;
};
