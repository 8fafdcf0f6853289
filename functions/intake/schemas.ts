import * as z from 'zod';
import { email, listQuery, phone, text } from '../../shared/domain/fields.ts';
import { ticketPriorities } from '../../shared/events/catalog.ts';

/** The channels an integration speaks for: email, the staff API, the portal and web forms have routes of their own. */
export const integrationChannels = ['chat', 'phone', 'social'] as const;
export type IntegrationChannel = (typeof integrationChannels)[number];

/** A public id: base64url of the tenant, a dot, a ULID (shared/domain/public-id.ts). */
const publicIdPattern = /^[A-Za-z0-9_-]{1,120}\.[0-9A-HJKMNP-TV-Z]{26}$/;

// ---- integrations

export const createIntegrationBody = z.strictObject({
  name: text(200),
  channel: z.enum(integrationChannels),
});

export interface TicketIntegration {
  /** The public id callers name in X-Rapport-Integration: it carries the tenant. */
  id: string;
  localId: string;
  version: number;
  name: string;
  channel: IntegrationChannel;
  /** Random; the signing secret is derived from it and the service's key, so no secret is stored. */
  salt: string;
  createdBy: string;
  createdAt: string;
}

export const integrationResponse = z
  .object({
    id: z.string(),
    version: z.number().int(),
    name: z.string(),
    channel: z.enum(integrationChannels),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'TicketIntegration' });

export const createdIntegrationResponse = integrationResponse
  .extend({
    /** Shown this once: HMAC-SHA256 key of the X-Rapport-Signature of each ingest request. */
    secret: z.string(),
  })
  .meta({ id: 'TicketIntegrationWithSecret' });

export const integrationIdParams = z.strictObject({ integrationId: z.string().regex(publicIdPattern, 'an integration id') });
export { listQuery };

// ---- ingest

export const ingestBody = z.strictObject({
  channel: z.enum(integrationChannels),
  /** The source's own id of this message: a repeat makes nothing new. */
  sourceMessageId: z.string().trim().min(1).max(500),
  /** The source's conversation: messages after the first of a thread become replies on its ticket. */
  threadId: z.string().trim().min(1).max(500).optional(),
  customer: z
    .strictObject({ email: email.optional(), phone: phone.optional(), name: text(200).optional() })
    .refine((c) => c.email || c.phone, 'give the customer an email or a phone'),
  /** The ticket's subject; without one, the start of the body. */
  subject: text(300).optional(),
  body: z.string().trim().min(1).max(100_000),
});
export type IngestMessage = z.output<typeof ingestBody>;

const outcome = z.enum(['created', 'replied', 'duplicate']);
export const ingestResponse = z
  .object({ ticketId: z.string(), reference: z.string().optional(), messageId: z.string().optional(), outcome })
  .meta({ id: 'IngestResult' });

// ---- ticket forms

export const createTicketFormBody = z.strictObject({
  name: text(200),
  /** Where a browser form post is redirected (303) after a submission. */
  thankYouUrl: z.url({ protocol: /^https?$/ }).max(2000),
  priority: z.enum(ticketPriorities).optional(),
  category: text(100).optional(),
  tags: z.array(text(50)).max(20).optional(),
  teamId: text(128).optional(),
  /** Submissions per minute: of the whole form, and of one IP address. */
  rateLimit: z
    .strictObject({
      perMinute: z.number().int().min(1).max(10_000).default(60),
      perIpPerMinute: z.number().int().min(1).max(1000).default(5),
    })
    .default({ perMinute: 60, perIpPerMinute: 5 }),
});

export interface TicketForm {
  /** The public id: the tenant (base64url) and the local id, so the public route finds the form without a token. */
  id: string;
  localId: string;
  version: number;
  name: string;
  thankYouUrl: string;
  priority?: (typeof ticketPriorities)[number];
  category?: string;
  tags?: string[];
  teamId?: string;
  rateLimit: { perMinute: number; perIpPerMinute: number };
  createdBy: string;
  createdAt: string;
}

export const ticketFormResponse = z
  .object({
    id: z.string(),
    version: z.number().int(),
    name: z.string(),
    thankYouUrl: z.string(),
    priority: z.enum(ticketPriorities).optional(),
    category: z.string().optional(),
    tags: z.array(z.string()).optional(),
    teamId: z.string().optional(),
    rateLimit: z.object({ perMinute: z.number().int(), perIpPerMinute: z.number().int() }),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'TicketForm' });

export const ticketFormIdParams = z.strictObject({ formId: z.string().regex(publicIdPattern, 'a form id') });

/** A browser posts an empty input as ""; it means the field was left out. */
const blankless = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** What a browser or a site's script posts: who asks, and what about. Unknown fields are ignored. */
export const ticketFormSubmitBody = z.looseObject({
  email,
  name: blankless(text(200)),
  phone: blankless(phone),
  subject: text(300),
  message: z.string().trim().min(1).max(20_000),
});

export const ticketFormSubmitResponse = z.object({ ticketId: z.string(), reference: z.string() }).meta({ id: 'TicketFormSubmission' });
