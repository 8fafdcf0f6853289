import { z } from 'zod';

/**
 * Every domain event: a past-tense fact with a versioned data schema. The relay
 * publishes them to the bus as detail-type = type, source = eventSource.
 */
export const eventSource = 'rapport';

const contactData = z.object({
  contactId: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  lifecycleStage: z.string(),
  ownerId: z.string().optional(),
  companyId: z.string().optional(),
  tags: z.array(z.string()),
  consent: z.record(z.string(), z.record(z.string(), z.object({ granted: z.boolean() }).loose())),
});

const companyData = z.object({ companyId: z.string(), name: z.string(), domain: z.string().optional() });

export const eventCatalog = {
  'contact.created': { version: 1, data: contactData },
  'contact.updated': { version: 1, data: contactData.extend({ changed: z.array(z.string()) }) },
  'contact.deleted': { version: 1, data: z.object({ contactId: z.string() }) },
  'company.created': { version: 1, data: companyData },
  'company.updated': { version: 1, data: companyData.extend({ changed: z.array(z.string()) }) },
  'company.deleted': { version: 1, data: z.object({ companyId: z.string() }) },
  'activity.logged': {
    version: 1,
    data: z.object({
      activityId: z.string(),
      contactId: z.string(),
      companyId: z.string().optional(),
      type: z.string(),
      channel: z.string().optional(),
      direction: z.string().optional(),
      occurredAt: z.string(),
    }),
  },
} as const;

export type EventType = keyof typeof eventCatalog;
export type EventData<T extends EventType> = z.input<(typeof eventCatalog)[T]['data']>;

export const eventEnvelope = z.object({
  id: z.string(),
  type: z.string(),
  version: z.number().int(),
  tenantId: z.string(),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type DomainEvent = z.infer<typeof eventEnvelope>;
