import { mapLimited } from '../../shared/async.ts';
import { isWriteConflict } from '../../shared/db/transact.ts';
import { type Actor, actorId, userActor } from '../../shared/domain/actor.ts';
import { normalizeEmail, type PhoneRegion, toE164 } from '../../shared/domain/normalize.ts';
import { applyPatch, changedFields } from '../../shared/domain/patch.ts';
import { conflict, DomainError, invalid, notFound, preconditionFailed, unprocessable } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { fieldErrors } from '../../shared/http/problem.ts';
import { Reply } from '../../shared/http/reply.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { retry } from '../../shared/retry.ts';
import { applyConsent, consentWarnings } from './consent.ts';
import { contactEventData } from './event-data.ts';
import type { UniqueKind } from './items.ts';
import { contactListing, contactMatches } from './listing.ts';
import { newContact } from './new-contact.ts';
import type { ContactConflict, ContactRepository } from './repository.ts';
import type { contactRoutes } from './routes.ts';
import { type Contact, type ContactInput, type ContactPatch, createContactBody } from './schemas.ts';
import { type ContactSettingsStore, contactSettingsStore } from './settings.ts';

const conflictField = { EMAIL: 'email', PHONE: 'phone', EXT: 'externalId' } as const satisfies Record<UniqueKind, keyof Contact>;
/** A write that lost to a change meanwhile, and may be retried on fresh data because the caller named no version. */
const lostRace = (error: unknown, ifMatch: number | undefined) =>
  ifMatch === undefined && isWriteConflict<ContactConflict>(error, 'VERSION');
const maxWriteAttempts = 3;

/** A contact as a write answers it: with `warnings` when the body named consent purposes no sender knows. */
const withWarnings = (body: { consent?: ContactInput['consent'] }, contact: Contact) => {
  const warnings = consentWarnings(body.consent);
  return warnings.length ? { ...contact, warnings } : contact;
};

/** A body field error (`body.phone`) renamed to the batch item it belongs to (`contacts.3.phone`). */
const inBatch = (errors: Record<string, string[]>, index: number) =>
  Object.fromEntries(Object.entries(errors).map(([field, messages]) => [field.replace(/^body\./, `contacts.${index}.`), messages]));

/** A change to one contact by `actor`: what PATCH /contacts/{id} and contactsApi.update both do. */
export interface ContactUpdate {
  tenantId: string;
  id: string;
  patch: ContactPatch;
  actor: Actor;
  /** The version the caller read (If-Match): a change meanwhile answers 412 instead of being retried. */
  ifMatch?: number;
}

/** Where a consent change a write makes is recorded as coming from, unless the change names its own source. */
const consentSource = (actor: Actor) => `api:${actorId(actor)}`;

export const contactService = (repo: ContactRepository, settings: ContactSettingsStore = contactSettingsStore) => {
  /** Turns a collision into the answer a client can act on: 409 with the existing id, 412 or 422. */
  const explain = async (error: unknown, tenantId: string, c: Contact, ifMatch?: number): Promise<never> => {
    if (!isWriteConflict<ContactConflict>(error)) throw error;
    const reason = error.reason;
    if (reason === 'EMAIL' || reason === 'PHONE' || reason === 'EXT') {
      const field = conflictField[reason];
      const existingId = await repo.idByUnique(tenantId, reason, String(c[field]));
      throw conflict(`a contact with this ${field} already exists`, { existingId, field });
    }
    if (reason === 'COMPANY')
      throw unprocessable('the company does not exist', { errors: { 'body.companyId': ['no company with this id'] } });
    if (ifMatch !== undefined) throw preconditionFailed();
    throw error;
  };

  const create = async (input: ContactInput, tenantId: string, actor: Actor): Promise<Contact> => {
    const contact = newContact(await withE164Phone(tenantId, input), consentSource(actor), clock().now().toISOString());
    try {
      await repo.create(tenantId, contact, domainEvent(tenantId, 'contact.created', contactEventData(contact)));
    } catch (error) {
      return explain(error, tenantId, contact);
    }
    return contact;
  };

  /** Read-modify-write guarded by the version; without If-Match a lost race is retried on fresh data. */
  const update = async ({ tenantId, id, patch: input, actor, ifMatch }: ContactUpdate): Promise<Contact> => {
    const patch = await withE164Phone(tenantId, input);
    return retry(
      async () => {
        const before = await repo.get(tenantId, id, true);
        if (!before) throw notFound('contact');
        if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
        const now = clock().now().toISOString();
        const after: Contact = {
          ...applyPatch(before, patch, now, ['consent']),
          ...applyConsent(before, patch.consent, consentSource(actor), now),
        };
        const changed = changedFields(before, after);
        if (!changed.length) return before;
        try {
          await repo.update(tenantId, before, after, domainEvent(tenantId, 'contact.updated', { ...contactEventData(after), changed }));
          return after;
        } catch (error) {
          if (lostRace(error, ifMatch)) throw error;
          return explain(error, tenantId, after, ifMatch);
        }
      },
      { attempts: maxWriteAttempts, retryOn: (error) => lostRace(error, ifMatch) },
    );
  };

  /** Create-or-update keyed by a unique field; a create that loses a race to the same key becomes an update. */
  const upsert = async (kind: 'EMAIL' | 'EXT', key: Partial<ContactInput>, body: ContactInput, ctx: RequestContext, ifMatch?: number) => {
    const value = String(key.email ?? key.externalId);
    const actor = userActor(ctx.userId);
    return retry(
      async () => {
        const existingId = await repo.idByUnique(ctx.tenantId, kind, value);
        if (existingId)
          return new Reply(
            200,
            withWarnings(body, await update({ tenantId: ctx.tenantId, id: existingId, patch: { ...body, ...key }, actor, ifMatch })),
          );
        return new Reply(201, withWarnings(body, await create({ ...body, ...key }, ctx.tenantId, actor)));
      },
      { attempts: maxWriteAttempts, retryOn: (error) => error instanceof DomainError && error.extra.field === conflictField[kind] },
    );
  };

  const service: ServiceFor<typeof contactRoutes, RequestContext> = {
    createContact: async ({ body }, ctx) => withWarnings(body, await create(body, ctx.tenantId, userActor(ctx.userId))),

    async batchCreateContacts({ body }, ctx) {
      const results = await mapLimited(body.contacts, 10, async (raw, index) => {
        const parsed = createContactBody.safeParse(raw);
        if (!parsed.success) return { index, status: 400, errors: fieldErrors(parsed.error, `contacts.${index}`) };
        try {
          const warnings = consentWarnings(parsed.data.consent);
          return {
            index,
            status: 201,
            id: (await create(parsed.data, ctx.tenantId, userActor(ctx.userId))).id,
            ...(warnings.length ? { warnings } : {}),
          };
        } catch (error) {
          const extra = (error as { extra?: { existingId?: string; errors?: Record<string, string[]> } }).extra;
          if (extra?.existingId) return { index, status: 409, existingId: extra.existingId };
          if (error instanceof DomainError && error.kind === 'validation')
            return { index, status: 400, errors: inBatch(extra?.errors ?? {}, index) };
          if (extra?.errors) return { index, status: 422, errors: extra.errors };
          throw error;
        }
      });
      return { results };
    },

    async listContacts({ query }, ctx) {
      const { limit, cursor, q, phoneRegion, ...filters } = query;
      const exact = q && (await exactMatch(ctx.tenantId, q, phoneRegion));
      if (exact) {
        const contact = exact.id ? await repo.get(ctx.tenantId, exact.id) : undefined;
        return { items: contact && contactMatches(filters)(contact) ? [contact] : [] };
      }
      const { source, accept, filterKey } = contactListing(filters, q);
      return repo.page(ctx.tenantId, source, accept, { limit, cursor, filterKey });
    },

    listDeletedContacts: ({ query }, ctx) => repo.deletions(ctx.tenantId, query.since, query.limit, query.cursor),

    getContactSettings: (_request, ctx) => settings.get(ctx.tenantId),

    async updateContactSettings({ body }, ctx) {
      const next = body.defaultRegion ? { defaultRegion: body.defaultRegion } : {};
      return settings.replace(ctx.tenantId, next, clock().now().toISOString());
    },

    async getContact({ params }, ctx) {
      const contact = await repo.get(ctx.tenantId, params.id);
      if (!contact) throw notFound('contact');
      return contact;
    },

    updateContact: async ({ params, body, ifMatch }, ctx) =>
      withWarnings(body, await update({ tenantId: ctx.tenantId, id: params.id, patch: body, actor: userActor(ctx.userId), ifMatch })),

    async deleteContact({ params, ifMatch }, ctx) {
      const contact = await repo.get(ctx.tenantId, params.id, true);
      if (!contact) throw notFound('contact');
      if (ifMatch !== undefined && ifMatch !== contact.version) throw preconditionFailed();
      try {
        await repo.delete(
          ctx.tenantId,
          contact,
          domainEvent(ctx.tenantId, 'contact.deleted', { contactId: contact.id }),
          clock().now().toISOString(),
        );
      } catch (error) {
        return explain(error, ctx.tenantId, contact, ifMatch ?? contact.version);
      }
      return undefined;
    },

    upsertContactByEmail: ({ params, body, ifMatch }, ctx) => {
      if (body.email && body.email !== params.email)
        throw invalid('the body email differs from the path', { 'body.email': ['must match the email in the path'] });
      return upsert('EMAIL', { email: params.email }, body, ctx, ifMatch);
    },

    upsertContactByExternalId: ({ params, body, ifMatch }, ctx) => {
      if (body.externalId && body.externalId !== params.externalId)
        throw invalid('the body externalId differs from the path', { 'body.externalId': ['must match the externalId in the path'] });
      return upsert('EXT', { externalId: params.externalId }, body, ctx, ifMatch);
    },

    listCompanyContacts: ({ params, query }, ctx) =>
      repo.page(ctx.tenantId, { kind: 'company', companyId: params.id }, () => true, { ...query, filterKey: '' }),
  };

  /** An email or a phone number in q names at most one contact, through its guard; undefined when q is a name. */
  const exactMatch = async (tenantId: string, q: string, phoneRegion?: PhoneRegion) => {
    if (q.includes('@')) return { id: await repo.idByUnique(tenantId, 'EMAIL', normalizeEmail(q)) };
    if (!/^[+\d(][\d\s().-]{5,}$/.test(q)) return undefined;
    const e164 = toE164(q) ?? toE164(q, phoneRegion ?? (await settings.get(tenantId)).defaultRegion);
    return e164 ? { id: await repo.idByUnique(tenantId, 'PHONE', e164) } : undefined;
  };

  /** A national phone number read in the request's region or the tenant's default one; 400 when neither makes it valid. */
  const withE164Phone = async <T extends { phone?: string | null; phoneRegion?: PhoneRegion }>(
    tenantId: string,
    input: T,
  ): Promise<Omit<T, 'phoneRegion'>> => {
    const { phoneRegion, ...rest } = input;
    if (!rest.phone || rest.phone.startsWith('+')) return rest;
    const region = phoneRegion ?? (await settings.get(tenantId)).defaultRegion;
    const e164 = region && toE164(rest.phone, region);
    if (e164) return { ...rest, phone: e164 };
    const why = region
      ? `not a valid phone number in ${region}`
      : 'a national number needs its region: give phoneRegion, set the default region (PUT /contacts/settings) or write it as +<country code>';
    throw invalid('the phone number is not valid', { 'body.phone': [why] });
  };

  return { ...service, update, create };
};
