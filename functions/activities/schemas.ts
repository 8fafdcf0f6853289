import * as z from 'zod';
import { attributes, id, pastDateTime, text } from '../../shared/domain/fields.ts';

export const activityTypes = ['call', 'email', 'meeting', 'note', 'message', 'survey'] as const;
export const channels = ['phone', 'email', 'sms', 'whatsapp', 'chat', 'video', 'in-person', 'social', 'web', 'other'] as const;

export const logActivityBody = z.strictObject({
  type: z.enum(activityTypes),
  channel: z.enum(channels).optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  occurredAt: pastDateTime.optional(),
  subject: text(300).optional(),
  body: z.string().max(20_000).optional(),
  durationSeconds: z.number().int().min(0).max(86_400).optional(),
  companyId: id.optional(),
  metadata: attributes.optional(),
});

export const activityResponse = z
  .object({
    id,
    contactId: id,
    companyId: id.optional(),
    type: z.enum(activityTypes),
    channel: z.enum(channels).optional(),
    direction: z.enum(['inbound', 'outbound']).optional(),
    occurredAt: z.string(),
    subject: z.string().optional(),
    body: z.string().optional(),
    durationSeconds: z.number().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    authorId: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Activity' });
export type Activity = z.infer<typeof activityResponse>;
export type ActivityInput = z.output<typeof logActivityBody>;
