import { newId } from '../../shared/ports/ids.ts';
import { applyConsent } from './consent.ts';
import type { Contact, ContactInput } from './schemas.ts';

/** A contact as it is first stored: defaults, consent grants recorded with their source, engagement starting now. */
export const newContact = (input: ContactInput, consentSource: string, at: string): Contact => {
  const { consent, ...fields } = input;
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
