import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

/** Emails compare case-insensitively after Unicode normalisation; the local part is kept otherwise intact. */
export const normalizeEmail = (email: string): string => email.normalize('NFC').trim().toLowerCase();

/** An ISO 3166 country code ('CN', 'US') that national numbers without a +country prefix are read in. */
export type PhoneRegion = CountryCode;
export const isPhoneRegion = (value: string): value is PhoneRegion => isSupportedCountry(value);

/** E.164, or undefined when the number is not a valid phone number (national numbers need their region). */
export const toE164 = (phone: string, region?: PhoneRegion): string | undefined => {
  const parsed = parsePhoneNumberFromString(phone.trim(), region);
  return parsed?.isValid() ? parsed.number : undefined;
};

/** Letters written without their accent in folded text; these do not decompose under NFKD. */
const unaccented: Record<string, string> = { ß: 'ss', ø: 'o', ł: 'l', đ: 'd', æ: 'ae', œ: 'oe' };

/**
 * Lower-case, width-, compatibility- and accent-folded text for search terms:
 * full-width and CJK compatibility forms fold, and Latin, Greek and Cyrillic
 * diacritics drop (Zoë → zoe). Only the combining diacritical marks block is
 * stripped, so kana voicing marks (が) and Hangul stay as written.
 */
export const foldText = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .trim()
    .toLowerCase()
    .replace(/[ßøłđæœ]/g, (ch) => unaccented[ch]!)
    .replace(/\s+/g, ' ');

const maxNameTerms = 4;
const cjk = /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}/u;

/**
 * Search terms for a person's name: each word, plus for CJK names the family
 * and given name written together (王 + 小明 → 王小明) in both orders, so a
 * prefix of the name as people write it finds the contact.
 */
export const nameTerms = (firstName?: string, lastName?: string): string[] => {
  const first = foldText(firstName ?? '');
  const last = foldText(lastName ?? '');
  const terms = new Set(`${first} ${last}`.split(' ').filter(Boolean));
  if (cjk.test(first + last) && first && last) {
    terms.add(`${last}${first}`);
    terms.add(`${first}${last}`);
  }
  // Bounded so a contact update (old and new terms) fits one 100-item transaction.
  return [...terms].slice(0, maxNameTerms).map((t) => t.slice(0, 200));
};

/** A company domain from a domain or URL: lower-case, no scheme, path or leading www. */
export const normalizeDomain = (value: string): string | undefined => {
  const raw = value.trim().toLowerCase();
  let host: string;
  try {
    host = new URL(raw.includes('://') ? raw : `https://${raw}`).hostname;
  } catch {
    return undefined;
  }
  host = host.replace(/^www\./, '').replace(/\.$/, '');
  return /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59})$/.test(host) ? host : undefined;
};
