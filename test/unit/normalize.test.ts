import { describe, expect, it } from 'vitest';
import { foldText, isPhoneRegion, nameTerms, normalizeDomain, normalizeEmail, toE164 } from '../../shared/domain/normalize.ts';

describe('normalisation for dedupe and search', () => {
  it('folds email case so the same mailbox dedupes', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
  });

  it('writes phones as E.164 and refuses non-numbers', () => {
    expect(toE164('+1 (415) 555-0123')).toBe('+14155550123');
    expect(toE164('+44 20 7946 0958')).toBe('+442079460958');
    expect(toE164('+86 138 0013 8000')).toBe('+8613800138000');
    expect(toE164('12')).toBeUndefined();
    expect(toE164('not a phone')).toBeUndefined();
  });

  it('reads national numbers in a region, and only there', () => {
    expect(toE164('13800138001')).toBeUndefined();
    expect(toE164('13800138001', 'CN')).toBe('+8613800138001');
    expect(toE164('(212) 555-0100', 'US')).toBe('+12125550100');
    expect(toE164('+44 20 7946 0958', 'US')).toBe('+442079460958');
    expect(toE164('555', 'US')).toBeUndefined();
    expect(isPhoneRegion('CN')).toBe(true);
    expect(isPhoneRegion('XX')).toBe(false);
  });

  it('folds accents but keeps CJK, kana voicing and Hangul as written', () => {
    expect(foldText('Zoë Señor')).toBe('zoe senor');
    expect(foldText('ZOË')).toBe(foldText('zoe'));
    expect(foldText('Straße Øre Łódź')).toBe('strasse ore lodz');
    expect(foldText('Ωμέγα')).toBe('ωμεγα');
    expect(foldText('王小明 がぎ 한국')).toBe('王小明 がぎ 한국');
    expect(nameTerms('Zoë', 'Dupré')).toEqual(['zoe', 'dupre']);
  });

  it('indexes each word of a name and CJK names written together', () => {
    expect(nameTerms('Ada', 'Lovelace')).toEqual(['ada', 'lovelace']);
    expect(nameTerms('小明', '王')).toEqual(expect.arrayContaining(['小明', '王', '王小明']));
    expect(nameTerms('Ａｄａ')).toEqual(['ada']);
  });

  it('bounds the number of name terms', () => {
    expect(nameTerms('a b c d e f g', 'h i')).toHaveLength(4);
  });

  it('folds full-width text and whitespace', () => {
    expect(foldText('  Ｊｏｈｎ   Doe ')).toBe('john doe');
  });

  it('reduces URLs and hosts to a bare domain', () => {
    expect(normalizeDomain('https://www.Example.com/about')).toBe('example.com');
    expect(normalizeDomain('shop.example.co.uk')).toBe('shop.example.co.uk');
    expect(normalizeDomain('not a domain')).toBeUndefined();
    expect(normalizeDomain('localhost')).toBeUndefined();
  });
});
