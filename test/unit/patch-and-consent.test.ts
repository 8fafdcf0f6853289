import { describe, expect, it } from 'vitest';
import { applyConsent } from '../../functions/contacts/consent.ts';
import { applyPatch, changedFields } from '../../shared/domain/patch.ts';

const base = { version: 3, updatedAt: '2026-01-01T00:00:00.000Z', attributes: { plan: 'pro', seats: 5 }, name: 'Acme', domain: 'acme.com' };

describe('PATCH semantics', () => {
  it('replaces fields, removes nulls, merges attributes and bumps the version', () => {
    const after = applyPatch(
      base,
      { name: 'Acme Inc', domain: null, attributes: { seats: 6, plan: null, region: 'eu' } },
      '2026-02-01T00:00:00.000Z',
    );
    expect(after).toEqual({ version: 4, updatedAt: '2026-02-01T00:00:00.000Z', name: 'Acme Inc', attributes: { seats: 6, region: 'eu' } });
    expect(changedFields(base, after).sort()).toEqual(['attributes', 'domain', 'name']);
  });

  it('leaves skipped fields to the caller', () => {
    expect(applyPatch(base, { consent: { x: 1 } }, 'now', ['consent'])).not.toHaveProperty('consent');
  });
});

describe('consent', () => {
  it('records each grant and withdrawal with source and time, ignoring no-ops', () => {
    const first = applyConsent({ consent: {}, consentHistory: [] }, { email: { marketing: true } }, 'api:u1', 't1');
    expect(first.consent).toEqual({ email: { marketing: { granted: true, source: 'api:u1', at: 't1' } } });
    const same = applyConsent(first, { email: { marketing: true } }, 'api:u2', 't2');
    expect(same.consentHistory).toHaveLength(1);
    const withdrawn = applyConsent(first, { email: { marketing: { granted: false, source: 'unsubscribe-link' } } }, 'api:u2', 't3');
    expect(withdrawn.consent.email?.marketing).toEqual({ granted: false, source: 'unsubscribe-link', at: 't3' });
    expect(withdrawn.consentHistory.map((h) => h.granted)).toEqual([true, false]);
  });
});
