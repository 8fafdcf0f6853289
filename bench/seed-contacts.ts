import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { contactEntities, contactKeys } from '../functions/contacts/items.ts';
import type { Contact } from '../functions/contacts/schemas.ts';
import { newId } from '../shared/ports/ids.ts';
import { itemSize } from './capacity.ts';
import { runPool } from './pool.ts';

const dayMs = 86_400_000;
/** Batches in flight: more only queues inside DynamoDB Local on two cores. */
const concurrency = 4;

export interface SeedSpec {
  tenantId: string;
  count: number;
  /** The day (YYYY-MM-DD) on which every hundredth contact last engaged: the sweep's due bucket. */
  dueDay: string;
  /** The others last engaged on one of this many days before today, the due day left out. */
  spreadDays: number;
  today: string;
}

/** A random instant on `day` (UTC), as an ISO string. */
const during = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + Math.floor(Math.random() * dayMs)).toISOString();
const daysBefore = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * dayMs).toISOString().slice(0, 10);

/**
 * The contact item as contacts' repository writes it (same key builders and
 * Contact shape), minus the uniqueness guards and search terms a sweep never
 * reads: a customer with email marketing consent.
 */
const contactItem = (tenantId: string, i: number, lastEngagedAt: string) => {
  const contact: Contact = {
    id: newId(new Date(lastEngagedAt)),
    version: 1,
    firstName: `Seed${i}`,
    lastName: 'Customer',
    email: `seed-${i}@winback.example`,
    lifecycleStage: 'customer',
    tags: [],
    attributes: {},
    consent: { email: { marketing: { granted: true, source: 'bench seed', at: lastEngagedAt } } },
    consentHistory: [{ channel: 'email', purpose: 'marketing', granted: true, source: 'bench seed', at: lastEngagedAt }],
    createdAt: lastEngagedAt,
    updatedAt: lastEngagedAt,
    lastEngagedAt,
  };
  return {
    ...contactKeys.contact(tenantId, contact.id),
    ...contactKeys.list(tenantId, contact.id),
    ...contactKeys.engagement(tenantId, contact.id, contact.lastEngagedAt),
    entity: contactEntities.contact,
    ...contact,
  };
};

export interface Seeded {
  /** Contacts whose last engagement fell on the due day. */
  due: number;
  /** Their items' size as DynamoDB counts it, all contacts together. */
  bytes: number;
}

/**
 * Writes `count` contacts straight to the table with BatchWriteItem (25 a
 * request): 1% last engaged on the due day, the rest spread evenly over the
 * other days.
 */
export const seedContacts = async (client: DynamoDBDocumentClient, tableName: string, spec: SeedSpec): Promise<Seeded> => {
  const otherDays = Array.from({ length: spec.spreadDays + 1 }, (_, n) => daysBefore(spec.today, n + 1))
    .filter((d) => d !== spec.dueDay)
    .slice(0, spec.spreadDays);
  let due = 0;
  let bytes = 0;
  const engagedAt = (i: number) => {
    if (i % 100 === 0) {
      due++;
      return during(spec.dueDay);
    }
    return during(otherDays[i % otherDays.length]!);
  };
  const batches = Math.ceil(spec.count / 25);
  await runPool(batches, concurrency, async (b) => {
    const items = Array.from({ length: Math.min(25, spec.count - b * 25) }, (_, k) =>
      contactItem(spec.tenantId, b * 25 + k, engagedAt(b * 25 + k)),
    );
    bytes += items.reduce((total, item) => total + itemSize(marshall(item)), 0);
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    while (requests.length) {
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  });
  return { due, bytes };
};
