import * as z from 'zod';
import { clock } from '../ports/clock.ts';
import { normalizeEmail, toE164 } from './normalize.ts';

/** Field schemas every context shares, so a phone or an email means the same everywhere. */
export const id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');
export const email = z
  .string()
  .max(254)
  .pipe(z.email({ message: 'must be a valid email address' }))
  .transform(normalizeEmail);
export const phone = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const e164 = toE164(value);
    if (!e164) {
      ctx.addIssue({ code: 'custom', message: 'must be a valid phone number in international format, e.g. +14155550123' });
      return z.NEVER;
    }
    return e164;
  });
export const isoDateTime = z.iso.datetime({ offset: true }).transform((v) => new Date(v).toISOString());
const clockSkewMs = 5 * 60_000;
/** When something already happened: at most a few minutes of client clock skew ahead of the service clock. */
export const pastDateTime = isoDateTime.refine(
  (v) => Date.parse(v) <= clock().now().getTime() + clockSkewMs,
  'must not be more than 5 minutes in the future',
);
export const timeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Paris');
export const locale = z
  .string()
  .max(35)
  .refine((l) => {
    try {
      return Intl.getCanonicalLocales(l).length === 1;
    } catch {
      return false;
    }
  }, 'must be a BCP 47 locale such as fr-FR');
export const tag = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .transform((t) => t.normalize('NFKC').toLowerCase());
export const attributes = z
  .record(
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[\p{L}\p{N}_.-]+$/u, 'attribute names use letters, digits, _ . -'),
    z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]),
  )
  .refine((a) => Object.keys(a).length <= 100, 'at most 100 attributes');
export const text = (max: number) => z.string().trim().min(1).max(max);

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().optional() });
