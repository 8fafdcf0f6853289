import * as z from 'zod';
import { email, locale, phone, timeZone } from '../../shared/domain/fields.ts';
import { createCompanyBody, updateCompanyBody } from '../companies/schemas.ts';
import { contactPhone, createContactBody, phoneRegion, updateContactBody } from '../contacts/schemas.ts';
import { createTemplateBody } from '../messaging/schemas.ts';
import { updateTaskBody } from '../tasks/schemas.ts';

/** RFC 9457 problem+json as the pipeline renders it (shared/http/problem.ts), with the extras services add. */
export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .meta({ description: 'Validation messages per field, keyed by path (body.email, query.limit)' }),
    existingId: z.string().optional().meta({ description: 'On 409: the id of the item that already holds the unique value' }),
    field: z.string().optional().meta({ description: 'On 409: the field whose value is taken' }),
  })
  .meta({ id: 'Problem' });

/**
 * What the server checks in code (refinements, transforms) said as JSON Schema,
 * so a client validating against the document foresees the server's 400s.
 */
const rules: [z.ZodType, Record<string, unknown>][] = [
  [email, { format: 'email', maxLength: 254 }],
  [
    phone,
    {
      pattern: '^\\+?[0-9 ().-]{4,40}$',
      description: 'A phone number in international format (+14155550123), or national where a default region applies; answered in E.164',
    },
  ],
  [
    contactPhone,
    {
      pattern: '^\\+?[0-9 ().-]{4,40}$',
      description:
        'A phone number in international format (+14155550123), or national (read in phoneRegion or the tenant default region); answered in E.164',
    },
  ],
  [phoneRegion, { pattern: '^[A-Za-z]{2}$', description: 'An ISO 3166 country code such as CN or US, for national phone numbers' }],
  [timeZone, { description: 'An IANA time zone such as Europe/Paris' }],
  [locale, { pattern: '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$', description: 'A BCP 47 language tag such as fr-FR' }],
  [
    (createCompanyBody.shape.domain as z.ZodOptional).unwrap() as z.ZodType,
    {
      pattern: '^(https?://)?([A-Za-z0-9-]+\\.)+[A-Za-z0-9-]{2,}\\.?(/.*)?$',
      description: 'A domain name such as example.com (a URL is reduced to its host)',
    },
  ],
  [
    createContactBody,
    {
      anyOf: ['email', 'phone', 'firstName', 'lastName', 'externalId'].map((key) => ({ required: [key] })),
      description: 'Give at least one of email, phone, firstName, lastName or externalId',
    },
  ],
  ...[updateContactBody, updateCompanyBody, updateTaskBody].map((body): [z.ZodType, Record<string, unknown>] => [
    body,
    { minProperties: 1, description: 'Give at least one field to change' },
  ]),
  [
    createTemplateBody,
    {
      description: 'Email: subject, and html or text. SMS: body only.',
      oneOf: [
        {
          properties: { channel: { const: 'email' }, body: false },
          required: ['subject'],
          anyOf: [{ required: ['html'] }, { required: ['text'] }],
        },
        { properties: { channel: { const: 'sms' }, subject: false, html: false, text: false }, required: ['body'] },
      ],
    },
  ],
];

for (const [schema, meta] of rules) z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), ...meta });
