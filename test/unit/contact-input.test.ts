import { describe, expect, it } from 'vitest';
import { consentWarnings } from '../../functions/contacts/consent.ts';
import { newContact } from '../../functions/contacts/new-contact.ts';
import { createContactBody } from '../../functions/contacts/schemas.ts';

const at = '2026-01-01T00:00:00.000Z';

describe('contact input', () => {
  it('keeps a national phone for its region, and refuses what is no phone number', () => {
    expect(createContactBody.parse({ phone: '+1 212 555 0100' }).phone).toBe('+12125550100');
    expect(createContactBody.parse({ phone: '(212) 555-0100' }).phone).toBe('(212) 555-0100');
    expect(createContactBody.safeParse({ phone: 'call me' }).success).toBe(false);
    expect(createContactBody.safeParse({ phone: '212 555 0100', phoneRegion: 'ZZ' }).success).toBe(false);
  });

  it('reads a national phone in phoneRegion and does not store the region', () => {
    const c = newContact(createContactBody.parse({ phone: '138 0013 8001', phoneRegion: 'cn' }), 'test', at);
    expect(c.phone).toBe('+8613800138001');
    expect(c).not.toHaveProperty('phoneRegion');
  });

  it('warns about each consent purpose no sender knows', () => {
    expect(consentWarnings({ email: { marketing: true, surveys: false }, sms: { transactional: true } })).toEqual([]);
    expect(consentWarnings({ email: { marketting: true }, sms: { promo: { granted: true } } })).toEqual([
      expect.stringMatching(/^consent\.email\.marketting: .*marketing, transactional, surveys/),
      expect.stringMatching(/^consent\.sms\.promo: /),
    ]);
  });
});
