/**
 * The consent purposes the product acts on: senders ask for one of these, the
 * preference page lists them. A contact may hold others (an integration's own
 * purpose), but a write that names an unknown one gets a warning, since a typo
 * would otherwise pass silently and never be honoured.
 */
export const consentPurposes = ['marketing', 'transactional', 'surveys'] as const;
export type ConsentPurpose = (typeof consentPurposes)[number];

export const isKnownPurpose = (purpose: string): purpose is ConsentPurpose => (consentPurposes as readonly string[]).includes(purpose);
