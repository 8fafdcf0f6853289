import * as z from 'zod';
import { attributes, id, listQuery, phone, tag, text } from '../../shared/domain/fields.ts';
import { normalizeDomain } from '../../shared/domain/normalize.ts';

const domain = z
  .string()
  .max(300)
  .transform((value, ctx) => {
    const normalized = normalizeDomain(value);
    if (!normalized) {
      ctx.addIssue({ code: 'custom', message: 'must be a domain name such as example.com' });
      return z.NEVER;
    }
    return normalized;
  });

const companyFields = {
  name: text(200),
  domain,
  industry: text(100),
  employees: z.number().int().min(0).max(10_000_000),
  phone,
  ownerId: text(128),
  tags: z
    .array(tag)
    .max(40)
    .transform((t) => [...new Set(t)]),
  attributes,
};

export const createCompanyBody = z.strictObject(companyFields).partial().required({ name: true });

export const updateCompanyBody = z
  .strictObject({
    name: companyFields.name,
    domain: companyFields.domain.nullable(),
    industry: companyFields.industry.nullable(),
    employees: companyFields.employees.nullable(),
    phone: companyFields.phone.nullable(),
    ownerId: companyFields.ownerId.nullable(),
    tags: companyFields.tags,
    attributes: companyFields.attributes,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });

export const companyResponse = z
  .object({
    id,
    version: z.number().int(),
    name: z.string(),
    domain: z.string().optional(),
    industry: z.string().optional(),
    employees: z.number().optional(),
    phone: z.string().optional(),
    ownerId: z.string().optional(),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Company' });
export type Company = z.infer<typeof companyResponse>;
export type CompanyInput = z.output<typeof createCompanyBody>;
export type CompanyPatch = z.output<typeof updateCompanyBody>;

export const companyIdParams = z.strictObject({ id });
export const companySearchQuery = listQuery.extend({
  /** A prefix of the company's name, folded like contact names (case, width, accents). */
  q: z.string().trim().min(1).max(200).optional(),
  domain: domain.optional(),
});
