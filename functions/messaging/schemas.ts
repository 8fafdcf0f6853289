import * as z from 'zod';
import { consentPurposes } from '../../shared/domain/consent-purposes.ts';
import { email, id, listQuery, phone, text, timeZone } from '../../shared/domain/fields.ts';
import { tenantPattern } from '../../shared/http/auth.ts';
import type { Contact } from '../contacts/api.ts';

export const sendChannels = ['email', 'sms'] as const;
export const purposes = consentPurposes;
export type SendChannel = (typeof sendChannels)[number];
export type Purpose = (typeof purposes)[number];

/** Liquid sources of a message: subject, html and text for email, body for SMS. */
export const contentFields = ['subject', 'html', 'text', 'body'] as const;
export type ContentField = (typeof contentFields)[number];
export type Content = Partial<Record<ContentField, string>>;

const content = z.strictObject({
  subject: z.string().min(1).max(998).optional(),
  html: z.string().min(1).max(200_000).optional(),
  text: z.string().min(1).max(100_000).optional(),
  body: z.string().min(1).max(1600).optional(),
});

/** Fits any message's variables in its log item, which keeps them while a send waits out quiet hours. */
const maxVariablesChars = 32_000;

export const sendRequestSchema = z
  .strictObject({
    tenantId: z.string().regex(tenantPattern),
    contactId: id,
    channel: z.enum(sendChannels),
    purpose: z.enum(purposes),
    templateId: id.optional(),
    templateVersion: z.number().int().min(1).optional(),
    content: content.optional(),
    variables: z
      .record(z.string(), z.unknown())
      .refine((v) => JSON.stringify(v).length <= maxVariablesChars, `at most ${maxVariablesChars} characters as JSON`)
      .optional(),
    dedupeKey: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only'),
    journeyId: z.string().max(128).optional(),
    runId: z.string().max(128).optional(),
  })
  .refine((r) => Boolean(r.templateId) !== Boolean(r.content), { message: 'give either templateId or content', path: ['templateId'] });

export type SendRequest = z.input<typeof sendRequestSchema> & {
  /** The contact as the caller read it, strongly consistent, in this invocation (a journey step): the sender then does not read it again. Never stored. */
  contact?: Contact;
};
export type ValidSendRequest = z.output<typeof sendRequestSchema>;
/** What a deferred message keeps of its request, to send it later. */
export type StoredRequest = Omit<ValidSendRequest, 'tenantId'>;

export type SendOutcome =
  | { status: 'sent'; messageId: string }
  | { status: 'deferred'; messageId: string; until: string }
  | { status: 'skipped'; reason: SkipReason; messageId?: string }
  | { status: 'failed'; reason: string; messageId?: string };
export type SkipReason = 'no-consent' | 'suppressed' | 'frequency-cap' | 'no-address' | 'duplicate' | 'contact-missing';

/**
 * Life of a message: deferred (quiet hours) → claimed (about to call the
 * provider) → sent | failed; skipped never leaves. SES then moves a sent
 * message to delivered, bounced or complained.
 */
export const messageStatuses = ['deferred', 'claimed', 'sent', 'failed', 'skipped', 'delivered', 'bounced', 'complained'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

export const messageResponse = z
  .object({
    id,
    contactId: id,
    channel: z.enum(sendChannels),
    purpose: z.enum(purposes),
    status: z.enum(messageStatuses),
    reason: z.string().optional(),
    dedupeKey: z.string(),
    templateId: z.string().optional(),
    templateVersion: z.number().int().optional(),
    journeyId: z.string().optional(),
    runId: z.string().optional(),
    to: z.string().optional(),
    subject: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    claimedAt: z.string().optional(),
    deferredUntil: z.string().optional(),
    sentAt: z.string().optional(),
    providerMessageId: z.string().optional(),
    deliveredAt: z.string().optional(),
    bouncedAt: z.string().optional(),
    bounceType: z.enum(['permanent', 'transient', 'undetermined']).optional(),
    complainedAt: z.string().optional(),
    openedAt: z.string().optional(),
    clickedAt: z.string().optional(),
  })
  .meta({ id: 'Message' });
export type MessageView = z.infer<typeof messageResponse>;
/** The stored log item: what the API shows plus what a deferred send needs to resume. */
export type MessageLog = MessageView & { deferrals?: number; request?: StoredRequest };

export const messagesQuery = listQuery.extend({ contactId: id });

// ---------------------------------------------------------------- templates

const templateContent = {
  subject: z.string().trim().min(1).max(998),
  html: z.string().min(1).max(200_000),
  text: z.string().min(1).max(100_000),
  body: z.string().min(1).max(1600),
};

const templateBody = z
  .strictObject({ name: text(200), channel: z.enum(sendChannels), ...templateContent })
  .partial({ subject: true, html: true, text: true, body: true })
  .superRefine((t, ctx) => {
    const need = (ok: boolean, path: ContentField, message: string) => ok || ctx.addIssue({ code: 'custom', path: [path], message });
    if (t.channel === 'email') {
      need(Boolean(t.subject), 'subject', 'an email template needs a subject');
      need(Boolean(t.html || t.text), 'html', 'an email template needs html or text');
      need(t.body === undefined, 'body', 'body is for SMS templates; use html and text');
    } else {
      need(Boolean(t.body), 'body', 'an SMS template needs a body');
      for (const field of ['subject', 'html', 'text'] as const) need(t[field] === undefined, field, 'SMS templates have only a body');
    }
  });
export const createTemplateBody = templateBody;
/** PUT replaces the content and makes it the next version; the channel never changes. */
export const updateTemplateBody = templateBody;
export type TemplateInput = z.output<typeof templateBody>;

export const templateResponse = z
  .object({
    id,
    name: z.string(),
    channel: z.enum(sendChannels),
    version: z.number().int(),
    subject: z.string().optional(),
    html: z.string().optional(),
    text: z.string().optional(),
    body: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Template' });
export type Template = z.infer<typeof templateResponse> & { deletedAt?: string };
export const templateVersionResponse = templateResponse.omit({ updatedAt: true }).meta({ id: 'TemplateVersion' });
export type TemplateVersion = z.infer<typeof templateVersionResponse>;

export const templateIdParams = z.strictObject({ id });
export const templateVersionParams = z.strictObject({ id, version: z.coerce.number().int().min(1) });

// ------------------------------------------------------------- suppression

export const suppressionReasons = ['hard-bounce', 'complaint', 'manual'] as const;
export const suppressionBody = z.discriminatedUnion('channel', [
  z.strictObject({ channel: z.literal('email'), address: email, note: text(300).optional() }),
  z.strictObject({ channel: z.literal('sms'), address: phone, note: text(300).optional() }),
]);
export const suppressionResponse = z
  .object({
    channel: z.enum(sendChannels),
    address: z.string(),
    reason: z.enum(suppressionReasons),
    note: z.string().optional(),
    messageId: z.string().optional(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Suppression' });
export type Suppression = z.infer<typeof suppressionResponse>;
export const suppressionParams = z.strictObject({ channel: z.enum(sendChannels), address: z.string().min(1).max(254) });
export const suppressionsQuery = listQuery.extend({ channel: z.enum(sendChannels).optional() });

// ---------------------------------------------------------------- settings

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day such as 21:00');
const cap = z.strictObject({
  perDay: z.number().int().min(0).max(100).nullable(),
  perWeek: z.number().int().min(0).max(500).nullable(),
});

export const settingsBody = z.strictObject({
  /** From address, e.g. "Acme <news@acme.example>"; MAIL_FROM when absent. */
  from: text(320).optional(),
  /** Zone for contacts without their own. */
  timeZone: timeZone.optional(),
  /** Marketing and survey messages wait while the contact's clock is in this window; null sends at any hour. */
  quietHours: z.strictObject({ start: timeOfDay, end: timeOfDay }).nullable().optional(),
  /** Per contact and purpose, across channels and journeys; null means no limit. Transactional messages are never capped. */
  frequencyCaps: z.strictObject({ marketing: cap, surveys: cap }).partial().optional(),
});
export type SettingsInput = z.output<typeof settingsBody>;

export const settingsResponse = z
  .object({
    from: z.string().optional(),
    timeZone: z.string(),
    quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
    frequencyCaps: z.object({ marketing: cap, surveys: cap }),
    version: z.number().int(),
    updatedAt: z.string().optional(),
  })
  .meta({ id: 'MessagingSettings' });
export type MessagingSettings = z.infer<typeof settingsResponse>;

// ------------------------------------------------------------- unsubscribe

/** Any token reaches the service, which answers a person with a page, never a problem document. */
export const unsubscribeParams = z.strictObject({ token: z.string().min(1).max(2048) });
/** Form fields of the preference page (`email.marketing=on`…) or the RFC 8058 one-click body. */
export const unsubscribeBody = z
  .record(z.string().max(64), z.string().max(64))
  .refine((fields) => Object.keys(fields).length <= 20, 'too many fields')
  .optional();
