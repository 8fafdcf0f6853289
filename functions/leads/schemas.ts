import * as z from 'zod';
import { attributes, email, id, listQuery, phone, text } from '../../shared/domain/fields.ts';
import { money } from '../../shared/events/catalog.ts';

export const leadSources = ['form', 'import', 'api', 'ad', 'event', 'referral', 'social'] as const;
export const leadStatuses = ['new', 'working', 'nurturing', 'qualified', 'disqualified', 'converted'] as const;
export type LeadStatus = (typeof leadStatuses)[number];

/** What the lead agreed to be contacted by, and when it said so. */
const consent = z
  .record(z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a consent purpose such as marketing'), z.boolean())
  .refine((c) => Object.keys(c).length <= 20, 'at most 20 purposes');

/** One behaviour that scored: its points as earned, decayed at read time with the tenant's half-life. */
const behaviourEntry = z.object({ kind: z.string(), points: z.number(), at: z.string(), ref: z.string().optional() });
export type BehaviourEntry = z.infer<typeof behaviourEntry>;

/** Stored score components: the fit score with its reasons (computed on write), behaviour entries with their times. */
const storedScore = z.object({
  fit: z.number(),
  fitReasons: z.array(z.string()),
  behaviour: z.array(behaviourEntry),
  halfLifeDays: z.number(),
});
export type StoredScore = z.infer<typeof storedScore>;

const conversion = z.object({ contactId: id, companyId: id.optional(), dealId: id.optional(), at: z.string() });
export type Conversion = z.infer<typeof conversion>;

export interface Lead {
  id: string;
  version: number;
  name?: string;
  email?: string;
  phone?: string;
  companyName?: string;
  source: (typeof leadSources)[number];
  ownerId?: string;
  status: LeadStatus;
  disqualifiedReason?: string;
  formId?: string;
  attributes: Record<string, string | number | boolean>;
  consent: z.infer<typeof consent>;
  score: StoredScore;
  conversion?: Conversion;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

const leadFields = {
  name: text(200),
  email,
  phone,
  companyName: text(200),
  ownerId: text(128),
};

/** A new lead: at least an email, a phone or a name. */
export const createLeadBody = z
  .strictObject({
    name: leadFields.name.optional(),
    email: email.optional(),
    phone: phone.optional(),
    companyName: leadFields.companyName.optional(),
    /** Without one, the lead goes round-robin to the routing team (PUT /lead-routing). */
    ownerId: leadFields.ownerId.optional(),
    source: z.enum(leadSources).default('api'),
    attributes: attributes.optional(),
    consent: consent.optional(),
  })
  .refine((b) => b.email || b.phone || b.name, { message: 'give at least an email, a phone or a name', path: ['email'] });
export type NewLead = z.output<typeof createLeadBody>;

/** PATCH: any subset; null clears an optional field; attributes merge. `converted` is reached only by POST /leads/{id}/convert. */
export const updateLeadBody = z
  .strictObject({
    name: leadFields.name.nullable(),
    email: email.nullable(),
    phone: phone.nullable(),
    companyName: leadFields.companyName.nullable(),
    ownerId: leadFields.ownerId.nullable(),
    source: z.enum(leadSources),
    status: z.enum(['new', 'working', 'nurturing', 'qualified', 'disqualified']),
    disqualifiedReason: text(500).nullable(),
    attributes,
    consent,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
export type LeadPatch = z.output<typeof updateLeadBody>;

export const leadIdParams = z.strictObject({ id });

/** The leads in one status, or an owner's leads (the caller by default); not both. */
export const listLeadsQuery = listQuery
  .extend({ status: z.enum(leadStatuses).optional(), ownerId: text(128).optional() })
  .refine((q) => !(q.status && q.ownerId), { message: 'give either status or ownerId', path: ['ownerId'] });

const scoreView = z
  .object({
    /** Points from the fit rules on the lead's fields and attributes. */
    fit: z.number(),
    /** Behaviour points, each decayed by the half-life since it was earned (rounded to 0.1). */
    behaviour: z.number(),
    total: z.number(),
    /** Why: each fit rule that matched, and each behaviour with its current points. */
    reasons: z.array(z.string()),
  })
  .meta({ id: 'LeadScore' });

export const leadResponse = z
  .object({
    id,
    version: z.number().int(),
    name: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    companyName: z.string().optional(),
    source: z.enum(leadSources),
    ownerId: z.string().optional(),
    status: z.enum(leadStatuses),
    disqualifiedReason: z.string().optional(),
    formId: z.string().optional(),
    attributes: z.record(z.string(), z.unknown()),
    consent,
    score: scoreView,
    conversion: conversion.optional(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Lead' });
export type LeadView = z.infer<typeof leadResponse>;

const matched = z.object({ kind: z.enum(['lead', 'contact']), id }).meta({ id: 'LeadMatch' });
export type Matched = z.infer<typeof matched>;

/** What the public submit route answers in JSON: the lead made, or what the submission matched. */
export const submitResponse = z.object({ leadId: id.optional(), matched: matched.optional() }).meta({ id: 'LeadFormSubmission' });

/** A capture answers the new lead (201) or, when its email or phone is known, what it matched (200) and nothing new. */
export const captureResponse = z
  .looseObject({
    // The lead's fields (version too, in the ETag of a 201); a match answers only `matched`.
    ...leadResponse.omit({ version: true }).partial().shape,
    matched: matched.optional(),
  })
  .meta({ id: 'LeadCapture' });

// ---- web forms

/** Lead fields a form may take; any other accepted field name lands in the lead's attributes. */
export const formLeadFields = ['name', 'email', 'phone', 'companyName'] as const;
const fieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . -, starting with a letter');

export const createFormBody = z.strictObject({
  name: text(200),
  /** The field names the form accepts; others in a submission are ignored. */
  fields: z
    .array(fieldName)
    .min(1)
    .max(50)
    .transform((f) => [...new Set(f)]),
  defaultOwnerId: text(128).optional(),
  defaultSource: z.enum(leadSources).default('form'),
  /** Where a browser form post is redirected (303) after a submission. */
  thankYouUrl: z.url({ protocol: /^https?$/ }).max(2000),
  /** Submissions per minute: of the whole form, and of one IP address. */
  rateLimit: z
    .strictObject({
      perMinute: z.number().int().min(1).max(10_000).default(120),
      perIpPerMinute: z.number().int().min(1).max(1000).default(10),
    })
    .default({ perMinute: 120, perIpPerMinute: 10 }),
});

export interface LeadForm {
  /** The public id: the tenant (base64url) and the local id, so the public route finds the form without a token. */
  id: string;
  localId: string;
  version: number;
  name: string;
  fields: string[];
  defaultOwnerId?: string;
  defaultSource: (typeof leadSources)[number];
  thankYouUrl: string;
  rateLimit: { perMinute: number; perIpPerMinute: number };
  createdBy: string;
  createdAt: string;
}

export const formResponse = z
  .object({
    id: z.string(),
    version: z.number().int(),
    name: z.string(),
    fields: z.array(z.string()),
    defaultOwnerId: z.string().optional(),
    defaultSource: z.enum(leadSources),
    thankYouUrl: z.string(),
    rateLimit: z.object({ perMinute: z.number().int(), perIpPerMinute: z.number().int() }),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'LeadForm' });

/** A public form id: base64url of the tenant, a dot, a ULID. */
export const formId = z.string().regex(/^[A-Za-z0-9_-]{1,120}\.[0-9A-HJKMNP-TV-Z]{26}$/, 'a form id');
export const formIdParams = z.strictObject({ formId });

/** What a form posts: flat text fields (browser forms send nothing else). */
export const formSubmitBody = z
  .record(z.string().max(64), z.string().max(2000))
  .refine((r) => Object.keys(r).length <= 60, 'at most 60 fields');

// ---- scoring

const ruleOperators = ['equals', 'not_equals', 'contains', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;
export const fitRule = z.strictObject({
  /** A lead field (source, companyName, email, phone, name) or attributes.<name>. */
  field: z.string().regex(/^(source|companyName|email|phone|name|attributes\.[A-Za-z0-9_.-]{1,64})$/),
  operator: z.enum(ruleOperators),
  value: z.union([z.string().max(200), z.number(), z.boolean()]).optional(),
  points: z.number().int().min(-1000).max(1000),
});
export type FitRule = z.infer<typeof fitRule>;

export const behaviourKinds = ['form_submitted', 'email_clicked', 'activity'] as const;
export type BehaviourKind = (typeof behaviourKinds)[number];

export const scoringBody = z.strictObject({
  fit: z.array(fitRule).max(100).default([]),
  behaviour: z
    .strictObject({
      form_submitted: z.number().int().min(0).max(1000).default(10),
      email_clicked: z.number().int().min(0).max(1000).default(5),
      activity: z.number().int().min(0).max(1000).default(3),
    })
    .default({ form_submitted: 10, email_clicked: 5, activity: 3 }),
  halfLifeDays: z.number().min(0.1).max(365).default(14),
});
export type ScoringRules = z.output<typeof scoringBody> & { version: number; updatedAt: string };
export const scoringResponse = z
  .object({
    fit: z.array(fitRule),
    behaviour: z.record(z.enum(behaviourKinds), z.number()),
    halfLifeDays: z.number(),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'LeadScoring' });

// ---- routing

export const routingBody = z.strictObject({
  /** The team new leads without an owner go to, round-robin in this order. */
  members: z
    .array(text(128))
    .max(100)
    .transform((m) => [...new Set(m)]),
});
export interface Routing {
  members: string[];
  version: number;
  updatedAt: string;
}
export const routingResponse = z
  .object({ members: z.array(z.string()), version: z.number().int(), updatedAt: z.string() })
  .meta({ id: 'LeadRouting' });

// ---- conversion

export const convertBody = z.strictObject({
  /** Find a company by this domain (or create one) and link the contact to it. */
  company: z.strictObject({ name: text(200).optional(), domain: text(253).optional() }).optional(),
  /** Create a deal for the new contact on this pipeline (the default one when pipelineId is absent). */
  deal: z.strictObject({ name: text(200), pipelineId: id.optional(), amount: money.optional() }).optional(),
});
export const conversionResponse = z
  .object({ leadId: id, contactId: id, companyId: id.optional(), dealId: id.optional(), at: z.string(), version: z.number().int() })
  .meta({ id: 'LeadConversion' });
