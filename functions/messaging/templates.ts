import { invalid } from '../../shared/errors.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { compileErrors } from './liquid.ts';
import type { SendChannel, Template, TemplateInput } from './schemas.ts';
import { templateStore } from './template-store.ts';

/** The stored fields of a template, refused (400, naming each field) when one does not compile. */
export const compiledTemplate = async (input: TemplateInput) => {
  const errors = await compileErrors(input);
  if (Object.keys(errors).length) throw invalid('the template does not compile', errors);
  const { name, channel, subject, html, text, body } = input;
  return { name, channel, subject, html, text, body };
};

/** Creates a tenant's template at version 1: POST /templates, and other contexts installing starter content. */
export const createTemplate = async (tenantId: string, input: TemplateInput): Promise<Template> => {
  const now = clock().now().toISOString();
  const template: Template = { id: newId(), version: 1, ...(await compiledTemplate(input)), createdAt: now, updatedAt: now };
  await templateStore.create(tenantId, template);
  return template;
};

/** For journey validation: undefined if the stored template exists and compiles, else a message. */
export const checkTemplate = async (tenantId: string, templateId: string, channel: SendChannel): Promise<string | undefined> => {
  const template = await templateStore.head(tenantId, templateId);
  if (!template || template.deletedAt) return `template ${templateId} does not exist`;
  if (template.channel !== channel) return `template ${templateId} is an ${template.channel} template, not ${channel}`;
  const errors = Object.entries(await compileErrors(template, 'template'));
  return errors.length ? `template ${templateId} does not compile: ${errors.map(([field, [message]]) => `${field}: ${message}`).join('; ')}` : undefined;
};
