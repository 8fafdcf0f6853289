import type { Contact } from '../../functions/contacts/api.ts';
import { DomainError } from '../../shared/errors.ts';

/** The domain error a call fails with, as its kind and extra fields; undefined when the call succeeds. */
export const failure = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    if (error instanceof DomainError) return { kind: error.kind, ...error.extra };
    throw error;
  }
  return undefined;
};

/** A stored contact with nothing but the required fields, plus `fields`. */
export const contactFixture = (fields: Partial<Contact> = {}): Contact => ({
  id: '01J00000000000000000000000',
  version: 1,
  lifecycleStage: 'lead',
  tags: [],
  attributes: {},
  consent: {},
  consentHistory: [],
  lastEngagedAt: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...fields,
});
