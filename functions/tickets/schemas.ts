import * as z from 'zod';
import { email, id, listQuery, tag, text } from '../../shared/domain/fields.ts';
import { slaTargets, ticketChannels, ticketPriorities, ticketStatuses } from '../../shared/events/catalog.ts';
import { validatePattern } from '../../shared/events/pattern.ts';

export type TicketChannel = (typeof ticketChannels)[number];
export type TicketStatus = (typeof ticketStatuses)[number];
export type TicketPriority = (typeof ticketPriorities)[number];
export type SlaTarget = (typeof slaTargets)[number];

/** One SLA target of a ticket, as the SLA context last computed it. */
export interface SlaTargetState {
  dueAt: string;
  warnAt?: string;
  warnedAt?: string;
  metAt?: string;
  breached: boolean;
  /** Minutes past due (business or calendar time, per the policy), once breached. */
  overdueMinutes?: number;
}

/** The SLA snapshot the SLA context writes onto the ticket (GET /tickets/{id} shows it as `sla`). */
export interface TicketSla {
  policyId: string;
  calendarId?: string;
  businessTime: boolean;
  /** Paused time excluded so far (pending customer, on hold), in minutes. */
  pausedMinutes: number;
  pausedSince?: string;
  targets: Partial<Record<SlaTarget, SlaTargetState>>;
  /** Increases with every recomputation; a stale snapshot is not written over a newer one. */
  revision: number;
}

export interface Ticket {
  id: string;
  /** Human reference, e.g. "T-1042", also put in the subject of outgoing mail for threading. */
  reference: string;
  contactId: string;
  companyId?: string;
  subject: string;
  channel: TicketChannel;
  status: TicketStatus;
  priority: TicketPriority;
  category?: string;
  tags: string[];
  teamId?: string;
  assigneeId?: string;
  createdAt: string;
  updatedAt: string;
  firstResponseAt?: string;
  resolvedAt?: string;
  closedAt?: string;
  sla?: TicketSla;
  /** The resolved or closed ticket a late customer reply followed up (that reply opened this one). */
  previousTicketId?: string;
  /** Who opened it: a user id, or a system actor (`intake`, `portal`). */
  createdBy?: string;
  version: number;
}

export interface TicketMessage {
  id: string;
  ticketId: string;
  author: 'agent' | 'customer';
  /** The user id of an agent, the contact id of a customer. */
  authorId: string;
  body: string;
  /** false for an internal note (never shown to the customer). */
  public: boolean;
  channel: TicketChannel;
  createdAt: string;
}

export interface NewTicket {
  contactId: string;
  subject: string;
  body: string;
  channel: TicketChannel;
  priority?: TicketPriority;
  category?: string;
  tags?: string[];
  teamId?: string;
  /** The source's own message id (email Message-ID, chat message id): a repeat opens nothing new. */
  sourceMessageId?: string;
}

// ---------------------------------------------------------------- HTTP shapes

const category = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}_ .-]+$/u, 'letters, digits, space, _ . -')
  .transform((c) => c.toLowerCase());
const tags = z
  .array(tag)
  .max(20)
  .transform((t) => [...new Set(t)]);
const userRef = text(128);
const messageBody = z.string().trim().min(1).max(50_000);

/** POST /tickets: staff open a ticket for a contact they name, or for the holder of an email (found or created). */
export const createTicketBody = z
  .strictObject({
    contactId: id.optional(),
    email: email.optional(),
    firstName: text(100).optional(),
    lastName: text(100).optional(),
    subject: text(300),
    body: messageBody,
    channel: z.enum(ticketChannels).default('api'),
    priority: z.enum(ticketPriorities).optional(),
    category: category.optional(),
    tags: tags.optional(),
    teamId: userRef.optional(),
  })
  .refine((b) => (b.contactId === undefined) !== (b.email === undefined), {
    message: 'give either contactId or email',
    path: ['contactId'],
  });
export type CreateTicketBody = z.output<typeof createTicketBody>;

/** PATCH /tickets/{id}: any subset; null clears category, team or assignee. */
export const updateTicketBody = z
  .strictObject({
    subject: text(300),
    status: z.enum(ticketStatuses),
    priority: z.enum(ticketPriorities),
    category: category.nullable(),
    tags,
    teamId: userRef.nullable(),
    assigneeId: userRef.nullable(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
export type TicketPatch = z.output<typeof updateTicketBody>;

export const replyBody = z.strictObject({ body: messageBody });

export const ticketIdParams = z.strictObject({ id });
export const contactIdParams = z.strictObject({ id });

export const listTicketsQuery = listQuery.extend({
  status: z.enum(ticketStatuses).optional(),
  assigneeId: userRef.optional(),
  teamId: userRef.optional(),
});
export type TicketListQuery = z.output<typeof listTicketsQuery>;
export const messagesQuery = listQuery;
export const contactTicketsQuery = listQuery;

const slaTargetResponse = z.object({
  dueAt: z.string(),
  warnAt: z.string().optional(),
  warnedAt: z.string().optional(),
  metAt: z.string().optional(),
  breached: z.boolean(),
  overdueMinutes: z.number().optional(),
});
const slaResponse = z
  .object({
    policyId: z.string(),
    calendarId: z.string().optional(),
    businessTime: z.boolean(),
    pausedMinutes: z.number(),
    pausedSince: z.string().optional(),
    targets: z.partialRecord(z.enum(slaTargets), slaTargetResponse),
    revision: z.number().int(),
  })
  .meta({ id: 'TicketSla' });

export const ticketResponse = z
  .object({
    id,
    reference: z.string(),
    contactId: id,
    companyId: z.string().optional(),
    subject: z.string(),
    channel: z.enum(ticketChannels),
    status: z.enum(ticketStatuses),
    priority: z.enum(ticketPriorities),
    category: z.string().optional(),
    tags: z.array(z.string()),
    teamId: z.string().optional(),
    assigneeId: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    firstResponseAt: z.string().optional(),
    resolvedAt: z.string().optional(),
    closedAt: z.string().optional(),
    sla: slaResponse.optional(),
    previousTicketId: z.string().optional(),
    createdBy: z.string().optional(),
    version: z.number().int(),
  })
  .meta({ id: 'Ticket' });

export const messageResponse = z
  .object({
    id,
    ticketId: id,
    author: z.enum(['agent', 'customer']),
    authorId: z.string(),
    body: z.string(),
    public: z.boolean(),
    channel: z.enum(ticketChannels),
    createdAt: z.string(),
  })
  .meta({ id: 'TicketMessage' });

/** The message added, with the ticket as the change left it (a late customer reply's follow-up ticket included). */
export const replyResponse = messageResponse.extend({ ticket: ticketResponse }).meta({ id: 'TicketReply' });

// ---------------------------------------------------------------- classification rules and settings

const ruleThen = z
  .strictObject({
    category: category.optional(),
    /** Raises the priority to at least this one (a rule never lowers it). */
    priority: z.enum(ticketPriorities).optional(),
    teamId: userRef.optional(),
    tags: tags.optional(),
  })
  .refine((t) => Object.values(t).some((v) => v !== undefined), {
    message: 'a rule sets at least one of category, priority, teamId, tags',
  });

export const ticketRule = z.strictObject({
  name: text(100),
  /** An EventBridge pattern over { ticket: {subject, body, text, channel, tags}, contact: {lifecycleStage, tags, attributes, tier} }. */
  when: z.record(z.string(), z.unknown()),
  // biome-ignore lint/suspicious/noThenProperty: a rule's action is named `then` in the rules format (an object, never a function)
  then: ruleThen,
  /** No later rule is evaluated once this one matched. */
  stop: z.boolean().optional(),
});
export type TicketRule = z.output<typeof ticketRule>;

export const ticketRulesBody = z.strictObject({
  rules: z
    .array(ticketRule)
    .max(100)
    .superRefine((rules, ctx) => {
      rules.forEach((rule, i) => {
        const checked = validatePattern(rule.when);
        if (!checked.ok) ctx.addIssue({ code: 'custom', path: [i, 'when'], message: `rule "${rule.name}": ${checked.error}` });
      });
    }),
});

const ruleResponse = z
  .object({
    name: z.string(),
    when: z.record(z.string(), z.unknown()),
    // biome-ignore lint/suspicious/noThenProperty: a rule's action is named `then` in the rules format (an object, never a function)
    then: z.object({
      category: z.string().optional(),
      priority: z.enum(ticketPriorities).optional(),
      teamId: z.string().optional(),
      tags: z.array(z.string()).optional(),
    }),
    stop: z.boolean().optional(),
  })
  .meta({ id: 'TicketRule' });

export const ticketRulesResponse = z
  .object({ rules: z.array(ruleResponse), version: z.number().int(), updatedAt: z.string().optional() })
  .meta({ id: 'TicketRules' });
export type TicketRules = z.output<typeof ticketRulesResponse>;

export const ticketSettingsBody = z.strictObject({
  /** A customer reply within this many days of resolution reopens the ticket; later, it opens a new one. */
  reopenWindowDays: z.number().int().min(0).max(365),
});
export const ticketSettingsResponse = z
  .object({ reopenWindowDays: z.number().int(), version: z.number().int(), updatedAt: z.string().optional() })
  .meta({ id: 'TicketSettings' });
export type TicketSettings = z.output<typeof ticketSettingsResponse>;
