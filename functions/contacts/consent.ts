import type { z } from 'zod';
import { consentPurposes, isKnownPurpose } from '../../shared/domain/consent-purposes.ts';
import type { Contact, consentInput } from './schemas.ts';

type ConsentInput = z.output<typeof consentInput>;

/**
 * Applies consent grants and withdrawals: each changes the current state per
 * channel and purpose and is appended to the history with its source and time.
 */
export const applyConsent = (
  contact: Pick<Contact, 'consent' | 'consentHistory'>,
  input: ConsentInput | undefined,
  defaultSource: string,
  at: string,
) => {
  const consent = structuredClone(contact.consent);
  const consentHistory = [...contact.consentHistory];
  for (const [channel, purposes] of Object.entries(input ?? {})) {
    for (const [purpose, grant] of Object.entries(purposes ?? {})) {
      const granted = typeof grant === 'boolean' ? grant : grant.granted;
      const source = typeof grant === 'boolean' ? defaultSource : (grant.source ?? defaultSource);
      if (consent[channel]?.[purpose]?.granted === granted) continue;
      (consent[channel] ??= {})[purpose] = { granted, source, at };
      consentHistory.push({ channel, purpose, granted, source, at });
    }
  }
  return { consent, consentHistory: consentHistory.slice(-maxHistory) };
};

/** A warning per unknown purpose a write names: it is stored, but no sender asks for it. */
export const consentWarnings = (input: ConsentInput | undefined): string[] =>
  Object.entries(input ?? {}).flatMap(([channel, purposes]) =>
    Object.keys(purposes ?? {})
      .filter((p) => !isKnownPurpose(p))
      .map(
        (p) =>
          `consent.${channel}.${p}: "${p}" is not a known purpose (${consentPurposes.join(', ')}); it is stored but no message is sent for it`,
      ),
  );

/** Keeps the item well under DynamoDB's 400 KB; the full trail also lives in the event archive. */
const maxHistory = 200;
