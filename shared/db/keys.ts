/**
 * Every key the product writes, in one place. Each key starts with the tenant
 * from the verified token, so no request can reach another tenant's items.
 * docs/data-model.md maps access patterns to these builders.
 */
const t = (tenantId: string) => `T#${tenantId}`;

export const keys = {
  outbox: (tenantId: string, eventId: string) => ({ PK: `${t(tenantId)}#O#${eventId}`, SK: 'O' }),
  idempotency: (tenantId: string, key: string) => ({ PK: `${t(tenantId)}#I#${key}`, SK: 'I' }),

  // --- journeys ---
  /** A journey's head (current definition and status): GetItem by id. */
  journey: (tenantId: string, id: string) => ({ PK: `${t(tenantId)}#J#${id}`, SK: 'J' }),
  /** GSI1: a tenant's journeys, oldest first. */
  journeyList: (tenantId: string, id: string) => ({ GSI1PK: `${t(tenantId)}#J`, GSI1SK: id }),
  journeyListPartition: (tenantId: string) => `${t(tenantId)}#J`,
  /** Every version of a journey, immutable, beside its head: GetItem by id + version (a run loads the version it entered). */
  journeyVersion: (tenantId: string, id: string, version: number) => ({
    PK: `${t(tenantId)}#J#${id}`,
    SK: `V#${String(version).padStart(8, '0')}`,
  }),
  /** A journey's counters, per step ('*' = the journey) and shard (concurrent runs rarely share one); one Query on the journey's partition reads all. */
  journeyStats: (tenantId: string, id: string, scope: string, shard: number) => ({
    PK: `${t(tenantId)}#J#${id}`,
    SK: `ST#${scope}#${shard}`,
  }),
  journeyStatsPrefix: 'ST#',
  /** The active journeys an event type enrols into: Query by tenant + event type. */
  journeyTrigger: (tenantId: string, eventType: string, journeyId: string) => ({ PK: `${t(tenantId)}#JT#${eventType}`, SK: journeyId }),
  journeyTriggerPartition: (tenantId: string, eventType: string) => `${t(tenantId)}#JT#${eventType}`,
  /** Active schedule-triggered journeys of every tenant, the one cross-tenant partition: the daily win-back sweep reads it with one Query. */
  scheduledJourney: (tenantId: string, journeyId: string) => ({ PK: 'JSCHED', SK: `${tenantId}#${journeyId}` }),
  scheduledJourneyPartition: 'JSCHED',
  /** Guard: a built-in template is installed once per tenant; names the journey it made. */
  journeyTemplate: (tenantId: string, name: string) => ({ PK: `${t(tenantId)}#JTPL#${name}`, SK: 'JTPL' }),
  /** A run (one contact's pass through one journey version): GetItem by run id. */
  journeyRun: (tenantId: string, runId: string) => ({ PK: `${t(tenantId)}#JR#${runId}`, SK: 'R' }),
  /** A step execution of a run, claimed before its side effects: keyed by run + step + visit (a loop visits a step again). */
  journeyRunStep: (tenantId: string, runId: string, stepId: string, visit: number) => ({
    PK: `${t(tenantId)}#JR#${runId}`,
    SK: `S#${stepId}#${visit}`,
  }),
  /** A contact's active runs, with the goals they exit on and the event they wait for: strongly consistent Query by contact. */
  contactRun: (tenantId: string, contactId: string, runId: string) => ({ PK: `${t(tenantId)}#JC#${contactId}`, SK: runId }),
  contactRunPartition: (tenantId: string, contactId: string) => `${t(tenantId)}#JC#${contactId}`,
  /** A contact's re-entry state in a journey (active run, last entry): conditionally updated at enrolment. */
  journeyEnrolment: (tenantId: string, journeyId: string, contactId: string) => ({
    PK: `${t(tenantId)}#JN#${journeyId}#${contactId}`,
    SK: 'JN',
  }),
  /** Guard: one enrolment per journey, triggering event (or sweep day) and contact, so a redelivered event never enrols twice. */
  journeyEnrolmentEvent: (tenantId: string, journeyId: string, eventId: string, contactId: string) => ({
    PK: `${t(tenantId)}#JE#${journeyId}#${eventId}#${contactId}`,
    SK: 'JE',
  }),
} as const;

/** Item type marker stored on every item; the stream filter and tests key on it. */
export const entityTypes = [
  'OUTBOX',
  'IDEMPOTENCY',
  'MESSAGE',
  'MESSAGE_GUARD',
  'MESSAGE_EVENT',
  'PRESSURE',
  'SUPPRESSION',
  'TEMPLATE',
  'TEMPLATE_VERSION',
  'TEMPLATE_USE',
  'MESSAGING_SETTINGS',
  'JOURNEY',
  'JOURNEY_VERSION',
  'JOURNEY_STATS',
  'JOURNEY_TRIGGER',
  'JOURNEY_SCHEDULE',
  'JOURNEY_TEMPLATE',
  'JOURNEY_RUN',
  'JOURNEY_STEP',
  'JOURNEY_CONTACT_RUN',
  'JOURNEY_ENROLMENT',
  'JOURNEY_ENROLMENT_EVENT',
] as const;
export type EntityType = (typeof entityTypes)[number];
