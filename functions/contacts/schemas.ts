import * as z from 'zod';
import { attributes, email, id, isoDateTime, locale, page, tag, text, timeZone } from '../../shared/domain/fields.ts';
import { isPhoneRegion, toE164 } from '../../shared/domain/normalize.ts';

export const lifecycleStages = ['lead', 'prospect', 'customer', 'loyal', 'at-risk', 'churned'] as const;
export const consentChannels = ['email', 'sms', 'phone', 'whatsapp', 'push', 'post'] as const;

const purpose = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'purposes are lower-case words such as marketing or surveys');
const consentGrant = z.union([z.boolean(), z.strictObject({ granted: z.boolean(), source: text(120).optional() })]);
export const consentInput = z.partialRecord(z.enum(consentChannels), z.record(purpose, consentGrant));

export const phoneRegion = z
  .string()
  .transform((r) => r.toUpperCase())
  .refine(isPhoneRegion, 'must be an ISO 3166 country code such as CN or US');

/** Digits as people write a number at home: (212) 555-0100, 138 0013 8001. */
export const nationalNumber = /^[\d(][\d\s().-]{4,}$/;

/**
 * A phone: E.164 when it carries its country code; a national number stays as
 * written until the service reads it in `phoneRegion` or the tenant's default region.
 */
export const contactPhone = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const e164 = toE164(value);
    if (e164) return e164;
    if (nationalNumber.test(value.trim())) return value.trim();
    ctx.addIssue({ code: 'custom', message: 'must be a phone number: +14155550123, or a national number with phoneRegion' });
    return z.NEVER;
  });

const contactFields = {
  firstName: text(100),
  lastName: text(100),
  email,
  phone: contactPhone,
  /** Not stored: the region a national `phone` is read in. */
  phoneRegion,
  externalId: text(128).regex(/^[^#]+$/, 'must not contain #'),
  lifecycleStage: z.enum(lifecycleStages),
  ownerId: text(128),
  companyId: id,
  tags: z
    .array(tag)
    .max(40)
    .transform((t) => [...new Set(t)]),
  attributes,
  consent: consentInput,
  timeZone,
  locale,
};

const hasIdentity = (c: { email?: unknown; phone?: unknown; firstName?: unknown; lastName?: unknown; externalId?: unknown }) =>
  Boolean(c.email || c.phone || c.firstName || c.lastName || c.externalId);

export const createContactBody = z
  .strictObject(contactFields)
  .partial()
  .refine(hasIdentity, { message: 'give at least one of email, phone, firstName, lastName or externalId' });

/** PATCH: any subset; null clears an optional field; attributes merge (a null value removes one). */
export const updateContactBody = z
  .strictObject({
    firstName: contactFields.firstName.nullable(),
    lastName: contactFields.lastName.nullable(),
    email: contactFields.email.nullable(),
    phone: contactFields.phone.nullable(),
    phoneRegion: contactFields.phoneRegion,
    externalId: contactFields.externalId.nullable(),
    ownerId: contactFields.ownerId.nullable(),
    companyId: contactFields.companyId.nullable(),
    timeZone: contactFields.timeZone.nullable(),
    locale: contactFields.locale.nullable(),
    lifecycleStage: contactFields.lifecycleStage,
    tags: contactFields.tags,
    attributes: contactFields.attributes,
    consent: contactFields.consent,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });

/** Upsert by email or external id: the key comes from the path, the rest is optional. */
export const upsertContactBody = z.strictObject(contactFields).partial();

export const batchCreateBody = z.strictObject({ contacts: z.array(z.unknown()).min(1).max(100) });

const consentRecord = z.object({ granted: z.boolean(), source: z.string(), at: z.string() });
export const contactResponse = z
  .object({
    id,
    version: z.number().int(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    externalId: z.string().optional(),
    lifecycleStage: z.enum(lifecycleStages),
    ownerId: z.string().optional(),
    companyId: z.string().optional(),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), z.unknown()),
    consent: z.record(z.string(), z.record(z.string(), consentRecord)),
    consentHistory: z.array(consentRecord.extend({ channel: z.string(), purpose: z.string() })),
    timeZone: z.string().optional(),
    locale: z.string().optional(),
    lastActivityAt: z.string().optional(),
    lastOrderAt: z.string().optional(),
    /** Revenue from the contact's orders per currency, in minor units (`{ "EUR": 12345 }`): placed orders less cancellations and refunds. */
    lifetimeValue: z.record(z.string(), z.number().int()).optional(),
    /** Orders placed less orders cancelled. */
    orderCount: z.number().int().optional(),
    /** The latest of creation, last activity and last order: what win-back looks at. */
    lastEngagedAt: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Contact' });
export type Contact = z.infer<typeof contactResponse>;
/** What a write answers: the contact, and `warnings` when the body named consent purposes no sender knows. */
export const contactWriteResponse = contactResponse.extend({ warnings: z.array(z.string()).optional() });
export type ContactInput = z.output<typeof upsertContactBody>;
export type ContactPatch = z.output<typeof updateContactBody>;

export const contactIdParams = z.strictObject({ id });
export const contactSorts = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt'] as const;
export const searchQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  /** The region a national phone number in `q` is read in (else the tenant's default region). */
  phoneRegion: phoneRegion.optional(),
  tag: tag.optional(),
  companyId: id.optional(),
  ownerId: text(128).optional(),
  lifecycleStage: z.enum(lifecycleStages).optional(),
  updatedSince: isoDateTime.optional(),
  sort: z.enum(contactSorts).optional(),
});
export type ContactSearch = z.output<typeof searchQuery>;

export const contactSettingsBody = z.strictObject({ defaultRegion: phoneRegion.nullable() });
export const contactSettingsResponse = z.object({ defaultRegion: z.string().optional() });

export const deletionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
  since: isoDateTime.optional(),
});
export const deletionsPage = page(z.object({ id, deletedAt: z.string() }));

export const batchResult = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int(),
        status: z.number().int(),
        id: z.string().optional(),
        existingId: z.string().optional(),
        errors: z.record(z.string(), z.array(z.string())).optional(),
        warnings: z.array(z.string()).optional(),
      }),
    ),
  })
  .meta({ id: 'ContactBatchResult' });

/** What templates see of a contact's orders (`recentOrders`), kept from order.placed events. */
export interface OrderSummary {
  orderId: string;
  placedAt: string;
  total: { amount: number; currency: string };
  items?: { sku: string; name: string; quantity: number; price: { amount: number; currency: string } }[];
}
