import { conflict, invalid, notFound, preconditionFailed, unprocessable } from '../../shared/errors.ts';
import { foldText, normalizeEmail, toE164 } from '../../shared/domain/normalize.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { fieldErrors } from '../../shared/http/problem.ts';
import { Reply } from '../../shared/http/reply.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { mapLimited } from '../../shared/async.ts';
import { applyConsent } from './consent.ts';
import { contactEventData } from './event-data.ts';
import { newContact } from './new-contact.ts';
import { applyPatch, changedFields } from '../../shared/domain/patch.ts';
import { ContactWriteConflict, type ContactConflict, type ContactRepository } from './repository.ts';
import type { contactRoutes } from './routes.ts';
import { createContactBody, type Contact, type ContactInput, type ContactPatch } from './schemas.ts';

const conflictField: Partial<Record<ContactConflict, string>> = { EMAIL: 'email', PHONE: 'phone', EXT: 'externalId' };
const maxWriteAttempts = 3;

export const contactService = (repo: ContactRepository) => {
  /** Turns a collision into the answer a client can act on: 409 with the existing id, 412 or 422. */
  const explain = async (error: unknown, tenantId: string, c: Contact, ifMatch?: number): Promise<never> => {
    if (!(error instanceof ContactWriteConflict)) throw error;
    const field = conflictField[error.reason];
    if (field) {
      const kind = error.reason as 'EMAIL' | 'PHONE' | 'EXT';
      const existingId = await repo.idByUnique(tenantId, kind, String(c[field as keyof Contact]));
      throw conflict(`a contact with this ${field} already exists`, { existingId, field });
    }
    if (error.reason === 'COMPANY') throw unprocessable('the company does not exist', { errors: { 'body.companyId': ['no company with this id'] } });
    if (ifMatch !== undefined) throw preconditionFailed();
    throw error;
  };

  const create = async (input: ContactInput, ctx: RequestContext): Promise<Contact> => {
    const contact = newContact(input, `api:${ctx.userId}`, clock().now().toISOString());
    try {
      await repo.create(ctx.tenantId, contact, domainEvent(ctx.tenantId, 'contact.created', contactEventData(contact)));
    } catch (error) {
      return explain(error, ctx.tenantId, contact);
    }
    return contact;
  };

  /** Read-modify-write guarded by the version; without If-Match a lost race is retried on fresh data. */
  const update = async (tenantId: string, id: string, patch: ContactPatch, ctx: RequestContext, ifMatch?: number): Promise<Contact> => {
    for (let attempt = 1; ; attempt++) {
      const before = await repo.get(tenantId, id, true);
      if (!before) throw notFound('contact');
      if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
      const now = clock().now().toISOString();
      const after = { ...applyPatch(before, patch, now, ['consent']), ...applyConsent(before, patch.consent, `api:${ctx.userId}`, now) };
      const changed = changedFields(before, after);
      if (!changed.length) return before;
      try {
        await repo.update(tenantId, before, after, domainEvent(tenantId, 'contact.updated', { ...contactEventData(after), changed }));
        return after;
      } catch (error) {
        const lostRace = error instanceof ContactWriteConflict && error.reason === 'VERSION' && ifMatch === undefined;
        if (!lostRace || attempt >= maxWriteAttempts) return explain(error, tenantId, after, ifMatch);
      }
    }
  };

  /** Create-or-update keyed by a unique field; a create that loses a race to the same key becomes an update. */
  const upsert = async (kind: 'EMAIL' | 'EXT', key: Partial<ContactInput>, body: ContactInput, ctx: RequestContext, ifMatch?: number) => {
    const value = String(key.email ?? key.externalId);
    for (let attempt = 1; ; attempt++) {
      const existingId = await repo.idByUnique(ctx.tenantId, kind, value);
      if (existingId) return new Reply(200, await update(ctx.tenantId, existingId, { ...body, ...key }, ctx, ifMatch));
      try {
        return new Reply(201, await create({ ...body, ...key }, ctx));
      } catch (error) {
        const raced = (error as { extra?: { field?: string } }).extra?.field === (kind === 'EMAIL' ? 'email' : 'externalId');
        if (!raced || attempt >= maxWriteAttempts) throw error;
      }
    }
  };

  const service: ServiceFor<typeof contactRoutes, RequestContext> = {
    createContact: ({ body }, ctx) => create(body, ctx),

    async batchCreateContacts({ body }, ctx) {
      const results = await mapLimited(body.contacts, 10, async (raw, index) => {
        const parsed = createContactBody.safeParse(raw);
        if (!parsed.success) return { index, status: 400, errors: fieldErrors(parsed.error, `contacts.${index}`) };
        try {
          return { index, status: 201, id: (await create(parsed.data, ctx)).id };
        } catch (error) {
          const extra = (error as { extra?: { existingId?: string; errors?: Record<string, string[]> } }).extra;
          if (extra?.existingId) return { index, status: 409, existingId: extra.existingId };
          if (extra?.errors) return { index, status: 422, errors: extra.errors };
          throw error;
        }
      });
      return { results };
    },

    async listContacts({ query }, ctx) {
      const { limit, cursor, q, tag } = query;
      if (tag) return repo.search(ctx.tenantId, 'G', `${tag}#`, limit, cursor);
      if (!q) return repo.list(ctx.tenantId, limit, cursor);
      if (q.includes('@')) return byId(ctx.tenantId, await repo.idByUnique(ctx.tenantId, 'EMAIL', normalizeEmail(q)));
      const e164 = /^[+\d][\d\s().-]{5,}$/.test(q) ? toE164(q) : undefined;
      if (e164) return byId(ctx.tenantId, await repo.idByUnique(ctx.tenantId, 'PHONE', e164));
      const [first, ...rest] = foldText(q).split(' ');
      const page = await repo.search(ctx.tenantId, 'N', first!, limit, cursor);
      if (!rest.length) return page;
      const matchesAll = (c: Contact) => {
        const words = foldText(`${c.firstName ?? ''} ${c.lastName ?? ''}`).split(' ');
        return rest.every((r) => words.some((w) => w.startsWith(r)));
      };
      return { items: page.items.filter(matchesAll), nextCursor: page.nextCursor };
    },

    async getContact({ params }, ctx) {
      const contact = await repo.get(ctx.tenantId, params.id);
      if (!contact) throw notFound('contact');
      return contact;
    },

    updateContact: ({ params, body, ifMatch }, ctx) => update(ctx.tenantId, params.id, body, ctx, ifMatch),

    async deleteContact({ params, ifMatch }, ctx) {
      const contact = await repo.get(ctx.tenantId, params.id, true);
      if (!contact) throw notFound('contact');
      if (ifMatch !== undefined && ifMatch !== contact.version) throw preconditionFailed();
      try {
        await repo.delete(ctx.tenantId, contact, domainEvent(ctx.tenantId, 'contact.deleted', { contactId: contact.id }));
      } catch (error) {
        return explain(error, ctx.tenantId, contact, ifMatch ?? contact.version);
      }
      return undefined;
    },

    upsertContactByEmail: ({ params, body, ifMatch }, ctx) => {
      if (body.email && body.email !== params.email) throw invalid('the body email differs from the path', { 'body.email': ['must match the email in the path'] });
      return upsert('EMAIL', { email: params.email }, body, ctx, ifMatch);
    },

    upsertContactByExternalId: ({ params, body, ifMatch }, ctx) => {
      if (body.externalId && body.externalId !== params.externalId) throw invalid('the body externalId differs from the path', { 'body.externalId': ['must match the externalId in the path'] });
      return upsert('EXT', { externalId: params.externalId }, body, ctx, ifMatch);
    },

    listCompanyContacts: ({ params, query }, ctx) => repo.listByCompany(ctx.tenantId, params.id, query.limit, query.cursor),
  };

  const byId = async (tenantId: string, id: string | undefined) => {
    const contact = id ? await repo.get(tenantId, id) : undefined;
    return { items: contact ? [contact] : [] };
  };

  return service;
};
