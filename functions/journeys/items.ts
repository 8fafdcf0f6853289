import { tenantKey } from '../../shared/db/tenant.ts';

/** Entity names this context stores (the `entity` attribute). */
export const journeyEntities = {
  journey: 'JOURNEY',
  version: 'JOURNEY_VERSION',
  stats: 'JOURNEY_STATS',
  trigger: 'JOURNEY_TRIGGER',
  schedule: 'JOURNEY_SCHEDULE',
  templateGuard: 'JOURNEY_TEMPLATE',
  run: 'JOURNEY_RUN',
  step: 'JOURNEY_STEP',
  contactRun: 'JOURNEY_CONTACT_RUN',
  enrolment: 'JOURNEY_ENROLMENT',
  enrolmentEvent: 'JOURNEY_ENROLMENT_EVENT',
} as const;

export const journeyKeys = {
  /** A journey's head (current definition and status): GetItem by id. */
  journey: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#J#${id}`, SK: 'J' }),
  /** GSI1: a tenant's journeys, oldest first. */
  list: (tenantId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#J`, GSI1SK: id }),
  listPartition: (tenantId: string) => `${tenantKey(tenantId)}#J`,
  /** Every version of a journey, immutable, beside its head: GetItem by id + version (a run loads the version it entered). */
  version: (tenantId: string, id: string, version: number) => ({
    PK: `${tenantKey(tenantId)}#J#${id}`,
    SK: `V#${String(version).padStart(8, '0')}`,
  }),
  /** A journey's counters, per step ('*' = the journey) and shard (concurrent runs rarely share one); one Query on the journey's partition reads all. */
  stats: (tenantId: string, id: string, scope: string, shard: number) => ({
    PK: `${tenantKey(tenantId)}#J#${id}`,
    SK: `ST#${scope}#${shard}`,
  }),
  statsPrefix: 'ST#',
  /** The active journeys an event type enrols into: Query by tenant + event type. */
  trigger: (tenantId: string, eventType: string, journeyId: string) => ({ PK: `${tenantKey(tenantId)}#JT#${eventType}`, SK: journeyId }),
  triggerPartition: (tenantId: string, eventType: string) => `${tenantKey(tenantId)}#JT#${eventType}`,
  /** Active schedule-triggered journeys of every tenant, the one cross-tenant partition: the daily win-back sweep reads it with one Query. */
  scheduled: (tenantId: string, journeyId: string) => ({ PK: 'JSCHED', SK: `${tenantId}#${journeyId}` }),
  scheduledPartition: 'JSCHED',
  /** Guard: a built-in template is installed once per tenant; names the journey it made. */
  template: (tenantId: string, name: string) => ({ PK: `${tenantKey(tenantId)}#JTPL#${name}`, SK: 'JTPL' }),
  /** A run (one contact's pass through one journey version): GetItem by run id. */
  run: (tenantId: string, runId: string) => ({ PK: `${tenantKey(tenantId)}#JR#${runId}`, SK: 'R' }),
  /** A step execution of a run, claimed before its side effects: keyed by run + step + visit (a loop visits a step again). */
  runStep: (tenantId: string, runId: string, stepId: string, visit: number) => ({
    PK: `${tenantKey(tenantId)}#JR#${runId}`,
    SK: `S#${stepId}#${visit}`,
  }),
  /** A contact's active runs, with the goals they exit on and the event they wait for: strongly consistent Query by contact. */
  contactRun: (tenantId: string, contactId: string, runId: string) => ({ PK: `${tenantKey(tenantId)}#JC#${contactId}`, SK: runId }),
  contactRunPartition: (tenantId: string, contactId: string) => `${tenantKey(tenantId)}#JC#${contactId}`,
  /** A contact's re-entry state in a journey (active run, last entry): conditionally updated at enrolment. */
  enrolment: (tenantId: string, journeyId: string, contactId: string) => ({
    PK: `${tenantKey(tenantId)}#JN#${journeyId}#${contactId}`,
    SK: 'JN',
  }),
  /** Guard: one enrolment per journey, triggering event (or sweep day) and contact, so a redelivered event never enrols twice. */
  enrolmentEvent: (tenantId: string, journeyId: string, eventId: string, contactId: string) => ({
    PK: `${tenantKey(tenantId)}#JE#${journeyId}#${eventId}#${contactId}`,
    SK: 'JE',
  }),
} as const;
