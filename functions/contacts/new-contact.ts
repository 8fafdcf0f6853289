import { toE164 } from '../../shared/domain/normalize.ts';
import { newId } from '../../shared/ports/ids.ts';
import { applyConsent } from './consent.ts';
import type { Contact, ContactInput } from './schemas.ts';

/**
 * A contact as it is first stored: defaults, consent grants recorded with their
 * source, engagement starting now. `phoneRegion` is not stored; the API has read
 * a national phone in it (or the tenant's default) already, a dry run reads it here.
 */
export const newContact = (input: ContactInput, consentSource: string, at: string): Contact => {
  const { consent, phoneRegion, ...fields } = input;
  if (fields.phone && phoneRegion) fields.phone = toE164(fields.phone, phoneRegion) ?? fields.phone;
  return {
    id: newId(),
    version: 1,
    lifecycleStage: 'lead',
    tags: [],
    attributes: {},
    ...fields,
    ...applyConsent({ consent: {}, consentHistory: [] }, consent, consentSource, at),
    createdAt: at,
    updatedAt: at,
    lastEngagedAt: at,
  };
};
