import type { TransactItem } from '../../shared/db/transact.ts';
import type { Actor } from '../../shared/domain/actor.ts';
import { actingAs } from '../../shared/events/trace.ts';
import { contactEntities, contactKeys } from './items.ts';
import { contactRepository } from './repository.ts';
import type { Contact, ContactInput, ContactPatch, OrderSummary } from './schemas.ts';
import { contactService } from './service.ts';
import { contactExists, contactTouched, type Engagement } from './timeline-link.ts';

export { contactEventData } from './event-data.ts';
export { newContact } from './new-contact.ts';
export type { Contact, ContactInput, ContactPatch, OrderSummary } from './schemas.ts';
export { lifecycleStages, upsertContactBody } from './schemas.ts';
export type ConsentChange = NonNullable<ContactPatch['consent']>;

let service: ReturnType<typeof contactService> | undefined;

/**
 * What other contexts may ask of contacts. Reads are strongly consistent: a
 * caller acting on an event must see the write that produced it.
 */
export const contactsApi = {
  get: ({ tenantId, contactId }: { tenantId: string; contactId: string }): Promise<Contact | undefined> =>
    contactRepository.get(tenantId, contactId, true),

  /** The contact holding this normalised email, if any (one guard read and one GetItem). */
  async findByEmail({ tenantId, email }: { tenantId: string; email: string }): Promise<Contact | undefined> {
    const contactId = await contactRepository.idByUnique(tenantId, 'EMAIL', email);
    return contactId ? contactRepository.get(tenantId, contactId, true) : undefined;
  },

  /** The contact holding this E.164 phone number, if any. */
  async findByPhone({ tenantId, phone }: { tenantId: string; phone: string }): Promise<Contact | undefined> {
    const contactId = await contactRepository.idByUnique(tenantId, 'PHONE', phone);
    return contactId ? contactRepository.get(tenantId, contactId, true) : undefined;
  },

  /** Contacts whose last engagement fell on `day` (YYYY-MM-DD), a page at a time. */
  engagedOn: ({ tenantId, day }: { tenantId: string; day: string }): AsyncGenerator<Contact[]> =>
    contactRepository.engagedOn(tenantId, day),

  /** The contact's latest orders, newest first. */
  recentOrders: ({ tenantId, contactId, limit }: { tenantId: string; contactId: string; limit?: number }): Promise<OrderSummary[]> =>
    contactRepository.recentOrders(tenantId, contactId, limit),

  /** True when at least one contact belongs to the company. */
  hasCompanyMembers: ({ tenantId, companyId }: { tenantId: string; companyId: string }): Promise<boolean> =>
    contactRepository.hasCompanyMembers(tenantId, companyId),

  /**
   * Changes a contact as `actor` (a journey step, the unsubscribe page): the
   * same rules as PATCH /contacts/{id}, consent history included, and
   * contact.updated. A lost race is retried on fresh data.
   */
  update: ({
    tenantId,
    contactId,
    patch,
    actor,
  }: {
    tenantId: string;
    contactId: string;
    patch: ContactPatch;
    actor: Actor;
  }): Promise<Contact> =>
    actingAs(actor, () => (service ??= contactService(contactRepository)).update({ tenantId, id: contactId, patch, actor })),

  /** Creates a contact as `actor` (lead conversion): the rules of POST /contacts and contact.created; 409 names an existing holder of its email or phone. */
  create: ({ tenantId, input, actor }: { tenantId: string; input: ContactInput; actor: Actor }): Promise<Contact> =>
    actingAs(actor, () => (service ??= contactService(contactRepository)).create(input, tenantId, actor)),

  /**
   * Sets only the fields the contact has empty (lead conversion into an
   * existing contact): nothing it already holds is overwritten. Returns the
   * contact as it is afterwards; contact.updated when anything changed.
   */
  async fillEmpty({
    tenantId,
    contactId,
    fields,
    actor,
  }: {
    tenantId: string;
    contactId: string;
    fields: Partial<Pick<Contact, 'firstName' | 'lastName' | 'email' | 'phone' | 'companyId' | 'ownerId'>>;
    actor: Actor;
  }): Promise<Contact | undefined> {
    const contact = await contactRepository.get(tenantId, contactId, true);
    if (!contact) return undefined;
    const patch = Object.fromEntries(
      Object.entries(fields).filter(([key, value]) => value !== undefined && (contact as Record<string, unknown>)[key] === undefined),
    ) as ContactPatch;
    if (!Object.keys(patch).length) return contact;
    return actingAs(actor, () => (service ??= contactService(contactRepository)).update({ tenantId, id: contactId, patch, actor }));
  },

  /**
   * A contact's partition, where the timeline keeps its entries. Entries sort
   * before the contact's own item (`contactSortKey`), so a newest-first query
   * from it down to the entries' prefix reads the contact item first on page one:
   * one request gives the page and tells whether the contact exists.
   */
  timelinePartition: ({ tenantId, contactId }: { tenantId: string; contactId: string }) => {
    const { PK, SK } = contactKeys.contact(tenantId, contactId);
    return {
      partition: PK,
      contactSortKey: SK,
      /** True for the contact's own item among what a query of the partition read. */
      isContact: (item: Record<string, unknown>) => item.SK === SK && item.entity === contactEntities.contact,
    };
  },

  /**
   * Transaction items for contexts that record something the contact did in
   * their own transaction: `touched` moves the engagement times forward (and
   * fails when the contact changed since `seen`), `exists` only checks it.
   */
  transactItems: {
    touched: (tenantId: string, seen: Contact, kind: Engagement, at: string): TransactItem => contactTouched(tenantId, seen, kind, at),
    exists: (tenantId: string, contactId: string): TransactItem => contactExists(tenantId, contactId),
  },
};
export type ContactsApi = typeof contactsApi;
