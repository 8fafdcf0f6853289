import * as z from 'zod';
import { email, id, listQuery, locale, text } from '../../shared/domain/fields.ts';
import { ticketChannels, ticketPriorities, ticketStatuses } from '../../shared/events/catalog.ts';
import { tenantPattern } from '../../shared/http/auth.ts';

export const tenantParams = z.strictObject({ tenant: z.string().regex(tenantPattern, 'must be a tenant id') });
export const ticketParams = z.strictObject({ id });
export const tenantTicketParams = tenantParams.extend({ id });
export const slug = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_-]*$/u, 'letters, digits, - and _');
export const articleParams = z.strictObject({ slug });
export const tenantArticleParams = tenantParams.extend({ slug });

/** A signed token from a link (sign-in link, session): malformed ones reach the service, which answers as the route does. */
const token = z.string().min(1).max(2048);

export const signInBody = z.strictObject({ email });
export const signInResponse = z
  .object({ status: z.literal('accepted'), detail: z.string() })
  .meta({ id: 'PortalSignIn', description: 'The same answer whether or not the address belongs to a customer' });

/** ?token= of the emailed link; other parameters (trackers) are ignored, a missing token is a broken link. */
export const authQuery = z.object({ token: token.optional() });
export const authForm = z.strictObject({ token });
export const sessionBody = z.strictObject({ token });
export const sessionResponse = z
  .object({
    token: z.string(),
    tokenType: z.literal('Bearer'),
    expiresAt: z.string(),
    tenantId: z.string(),
    contactId: id,
  })
  .meta({ id: 'CustomerSession' });

export const portalTicket = z
  .object({
    id,
    reference: z.string(),
    subject: z.string(),
    status: z.enum(ticketStatuses),
    priority: z.enum(ticketPriorities),
    channel: z.enum(ticketChannels),
    createdAt: z.string(),
    updatedAt: z.string(),
    resolvedAt: z.string().optional(),
    closedAt: z.string().optional(),
  })
  .meta({ id: 'PortalTicket', description: 'A ticket as its customer sees it (no assignee, team, tags or SLA)' });
export type PortalTicket = z.infer<typeof portalTicket>;

export const portalMessage = z
  .object({
    id,
    ticketId: id,
    author: z.enum(['agent', 'customer']),
    body: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'PortalMessage', description: 'A public message of the conversation (internal notes are never shown)' });
export type PortalMessage = z.infer<typeof portalMessage>;

export const maxSubjectChars = 300;
export const maxBodyChars = 20_000;
export const newTicketBody = z.strictObject({ subject: text(maxSubjectChars), body: text(maxBodyChars) });
export const replyBody = z.strictObject({ body: text(maxBodyChars) });
export const messagesQuery = listQuery;
export const ticketsQuery = listQuery;

/** Forms of the pages carry the session's form token (CSRF), besides the SameSite cookie. */
const formToken = z.string().max(512);
export const newTicketForm = newTicketBody.extend({ formToken });
export const replyForm = replyBody.extend({ formToken });
export const signOutForm = z.strictObject({ formToken });

export const kbQuery = z.strictObject({ q: z.string().trim().min(1).max(200), locale: locale.optional() });
export const kbPageQuery = z.object({ q: z.string().trim().max(200).optional(), locale: locale.optional() });
export const articleQuery = z.object({ locale: locale.optional() });

export const kbHit = z
  .object({ slug: z.string(), title: z.string(), excerpt: z.string().optional(), locale: z.string() })
  .meta({ id: 'PortalArticleHit' });
export const kbArticle = z
  .object({ slug: z.string(), title: z.string(), body: z.string(), locale: z.string(), updatedAt: z.string().optional() })
  .meta({ id: 'PortalArticle', description: 'A published article; body is plain text with blank lines between paragraphs' });
export const kbResults = z.object({ items: z.array(kbHit) }).meta({ id: 'PortalArticleHits' });
export type KbHit = z.infer<typeof kbHit>;
export type KbArticle = z.infer<typeof kbArticle>;

export const portalSurvey = z
  .object({
    id,
    kind: z.string(),
    question: z.string(),
    url: z.string(),
    createdAt: z.string(),
    linkExpiresAt: z.string(),
  })
  .meta({ id: 'PortalSurvey', description: 'A satisfaction survey waiting for an answer; url opens its page' });
export const portalSurveys = z.object({ items: z.array(portalSurvey) }).meta({ id: 'PortalSurveys' });
export type PortalSurvey = z.infer<typeof portalSurvey>;
