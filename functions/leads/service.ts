import type * as z from 'zod';
import { isWriteConflict } from '../../shared/db/transact.ts';
import { type Actor, userActor } from '../../shared/domain/actor.ts';
import { normalizeDomain } from '../../shared/domain/normalize.ts';
import { changedFields } from '../../shared/domain/patch.ts';
import { conflict, DomainError, notFound, preconditionFailed, unprocessable } from '../../shared/errors.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { fieldErrors, validationProblem } from '../../shared/http/problem.ts';
import { formLimits, rateLimited } from '../../shared/http/rate-limit.ts';
import { Reply } from '../../shared/http/reply.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId, stableId } from '../../shared/ports/ids.ts';
import { retry } from '../../shared/retry.ts';
import type { LeadUniqueKind } from './items.ts';
import type { LeadConflict, LeadRepository } from './repository.ts';
import type { leadRoutes } from './routes.ts';
import { defaultScoring, fitScore, leadView, memberFor, parseFormId, publicFormId, withBehaviour } from './rules.ts';
import {
  type BehaviourKind,
  type convertBody,
  createLeadBody,
  formLeadFields,
  type Lead,
  type LeadForm,
  type LeadPatch,
  type Matched,
  type NewLead,
  type ScoringRules,
} from './schemas.ts';

/** What a lead becomes on conversion: a contact (new or reused), maybe a company and a deal. */
export interface ContactFields {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  ownerId?: string;
  companyId?: string;
}

/** Contacts a lead may match, and what conversion creates (contactsApi, companiesApi, dealsApi, activitiesApi in the handler). */
export interface LeadReferences {
  contactByEmail(tenantId: string, email: string): Promise<string | undefined>;
  contactByPhone(tenantId: string, phone: string): Promise<string | undefined>;
  /** The new contact's id; throws a 409 DomainError with `existingId` when its email or phone is taken. */
  createContact(tenantId: string, fields: ContactFields & { consent: Record<string, boolean> }, actor: Actor): Promise<string>;
  /** Sets only the fields the contact has empty. */
  fillContact(tenantId: string, contactId: string, fields: ContactFields, actor: Actor): Promise<void>;
  companyByDomain(tenantId: string, domain: string): Promise<string | undefined>;
  /** The new company's id; throws a 409 DomainError when the domain is taken. */
  createCompany(tenantId: string, company: { name: string; domain?: string }, actor: Actor): Promise<string>;
  /** Creates the deal with the given id once: a retry with the same id answers the deal already made. */
  createDeal(
    tenantId: string,
    deal: {
      id: string;
      name: string;
      pipelineId?: string;
      amount?: { amount: number; currency: string };
      contactId: string;
      companyId?: string;
      ownerId?: string;
    },
    actor: Actor,
  ): Promise<string>;
  /** One timeline entry on the contact, at most once per lead. */
  recordConverted(tenantId: string, contactId: string, lead: Lead, actor: Actor): Promise<void>;
}

const writeAttempts = 8;

/** The id of the deal a lead's conversion makes: the same for every attempt, a ULID of the lead's creation time. */
export const dealIdOf = (lead: Pick<Lead, 'id' | 'createdAt'>) => stableId(new Date(lead.createdAt), `lead-deal:${lead.id}`);

const leadData = (l: Lead) => ({
  leadId: l.id,
  name: l.name,
  email: l.email,
  phone: l.phone,
  source: l.source,
  status: l.status,
  ownerId: l.ownerId,
  formId: l.formId,
});

/** What a capture found: a lead or contact already holding its email or phone. */
export type Capture = { created: Lead } | { matched: Matched; lead?: Lead };

const uniquesOf = (input: { email?: string; phone?: string }): [LeadUniqueKind, string][] => [
  ...(input.email ? [['EMAIL', input.email] as [LeadUniqueKind, string]] : []),
  ...(input.phone ? [['PHONE', input.phone] as [LeadUniqueKind, string]] : []),
];

export const leadService = (repo: LeadRepository, refs: LeadReferences) => {
  const now = () => clock().now();
  const scoringOf = async (tenantId: string): Promise<ScoringRules> =>
    (await repo.getScoring(tenantId)) ?? defaultScoring(now().toISOString());

  /**
   * The lead or contact an email or phone already belongs to: a lead first (a
   * converted one answers with its contact), then a contact. Each is one
   * consistent GetItem of a guard.
   */
  const matchOf = async (tenantId: string, input: { email?: string; phone?: string }): Promise<Capture | undefined> => {
    for (const [kind, value] of uniquesOf(input)) {
      const leadId = await repo.leadIdByUnique(tenantId, kind, value);
      const lead = leadId ? await repo.getLead(tenantId, leadId, true) : undefined;
      if (lead?.conversion) return { matched: { kind: 'contact', id: lead.conversion.contactId } };
      if (lead) return { matched: { kind: 'lead', id: lead.id }, lead };
    }
    if (input.email) {
      const contactId = await refs.contactByEmail(tenantId, input.email);
      if (contactId) return { matched: { kind: 'contact', id: contactId } };
    }
    if (input.phone) {
      const contactId = await refs.contactByPhone(tenantId, input.phone);
      if (contactId) return { matched: { kind: 'contact', id: contactId } };
    }
    return undefined;
  };

  /** The next member of the routing team, round-robin: one atomic counter per tenant, so concurrent captures take distinct turns. */
  const nextOwner = async (tenantId: string): Promise<string | undefined> => {
    const routing = await repo.getRouting(tenantId);
    if (!routing?.members.length) return undefined;
    return memberFor(routing.members, await repo.nextTurn(tenantId));
  };

  /** Reads the lead, checks If-Match, applies `change`; a lost race is retried on fresh data unless If-Match pinned the version. */
  const changeLead = <T>(tenantId: string, id: string, ifMatch: number | undefined, change: (before: Lead) => Promise<T>) =>
    retry(
      async () => {
        const before = await repo.getLead(tenantId, id, true);
        if (!before) throw notFound('lead');
        if (ifMatch !== undefined && ifMatch !== before.version) throw preconditionFailed();
        return change(before);
      },
      { attempts: writeAttempts, retryOn: (e) => ifMatch === undefined && isWriteConflict<LeadConflict>(e, 'VERSION') },
    ).catch((error) => {
      if (isWriteConflict<LeadConflict>(error, 'VERSION') && ifMatch !== undefined) throw preconditionFailed();
      throw error;
    });

  /** Adds behaviour points to a lead (a form submitted again, an email clicked), with lead.updated. */
  const addBehaviour = (tenantId: string, leadId: string, kind: BehaviourKind, ref?: string) =>
    changeLead(tenantId, leadId, undefined, async (before) => {
      if (ref && before.score.behaviour.some((b) => b.kind === kind && b.ref === ref)) return before;
      const rules = await scoringOf(tenantId);
      const at = now().toISOString();
      const after: Lead = {
        ...before,
        version: before.version + 1,
        updatedAt: at,
        score: withBehaviour(before.score, { kind, points: rules.behaviour[kind], at, ...(ref && { ref }) }, rules.halfLifeDays),
      };
      await repo.updateLead(tenantId, before, after, [domainEvent(tenantId, 'lead.updated', { ...leadData(after), changed: ['score'] })]);
      return after;
    });

  /**
   * Captures a lead: a known email or phone answers what it matched and
   * creates nothing; otherwise one transaction writes the lead, its guards and
   * its events. Of concurrent captures of one email, the guard lets one win;
   * the others re-read and answer matched.
   */
  const capture = async (
    tenantId: string,
    input: NewLead,
    by: string,
    form?: { formId: string; submissionId: string },
  ): Promise<Capture> => {
    const attach = async (found: Capture): Promise<Capture> => {
      if (form && 'matched' in found && found.matched.kind === 'lead')
        return { ...found, lead: await addBehaviour(tenantId, found.matched.id, 'form_submitted', form.submissionId) };
      return found;
    };
    const known = await matchOf(tenantId, input);
    if (known) return attach(known);
    const rules = await scoringOf(tenantId);
    const routed = input.ownerId ? undefined : await nextOwner(tenantId);
    const ownerId = input.ownerId ?? routed;
    const at = now().toISOString();
    const lead: Lead = {
      id: newId(),
      version: 1,
      name: input.name,
      email: input.email,
      phone: input.phone,
      companyName: input.companyName,
      source: input.source,
      ownerId,
      status: 'new',
      formId: form?.formId,
      attributes: Object.fromEntries(Object.entries(input.attributes ?? {}).filter(([, v]) => v !== null)) as Lead['attributes'],
      consent: input.consent ?? {},
      score: { fit: 0, fitReasons: [], behaviour: [], halfLifeDays: rules.halfLifeDays },
      createdBy: by,
      createdAt: at,
      updatedAt: at,
    };
    lead.score = { ...lead.score, ...fitScore(lead, rules.fit) };
    if (form) lead.score.behaviour.push({ kind: 'form_submitted', points: rules.behaviour.form_submitted, at, ref: form.submissionId });
    const events: DomainEvent[] = [domainEvent(tenantId, 'lead.created', leadData(lead))];
    if (ownerId)
      events.push(domainEvent(tenantId, 'lead.assigned', { leadId: lead.id, ownerId, via: routed ? 'routing' : form ? 'form' : 'user' }));
    try {
      await repo.createLead(tenantId, lead, events);
      return { created: lead };
    } catch (error) {
      if (!isWriteConflict<LeadConflict>(error, 'EMAIL', 'PHONE')) throw error;
      const winner = await matchOf(tenantId, input);
      if (!winner) throw error;
      return attach(winner);
    }
  };

  const captureReply = (c: Capture) =>
    'created' in c ? leadView(c.created, now()) : new Reply(200, { ...(c.lead && leadView(c.lead, now())), matched: c.matched });

  const patchLead = async (tenantId: string, before: Lead, patch: LeadPatch): Promise<Lead> => {
    if (before.status === 'converted') throw conflict('the lead is converted: change its contact instead');
    const at = now().toISOString();
    const after: Lead = { ...before, version: before.version + 1, updatedAt: at };
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'attributes' || key === 'consent') continue;
      if (value === null) delete (after as unknown as Record<string, unknown>)[key];
      else (after as unknown as Record<string, unknown>)[key] = value;
    }
    if (patch.attributes) {
      const merged: Record<string, unknown> = { ...before.attributes, ...patch.attributes };
      after.attributes = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== null)) as Lead['attributes'];
    }
    if (patch.consent) after.consent = { ...before.consent, ...patch.consent };
    if (after.status === 'disqualified' && !after.disqualifiedReason)
      throw validationProblem({ 'body.disqualifiedReason': ['required to disqualify a lead'] });
    if (after.status !== 'disqualified') {
      if (patch.disqualifiedReason) throw validationProblem({ 'body.disqualifiedReason': ['only a disqualified lead has a reason'] });
      delete after.disqualifiedReason;
    }
    const rules = await scoringOf(tenantId);
    after.score = { ...after.score, ...fitScore(after, rules.fit) };
    const changed = changedFields(before, after).filter((f) => !['version', 'updatedAt'].includes(f));
    if (!changed.length) return before;
    const events = [domainEvent(tenantId, 'lead.updated', { ...leadData(after), changed })];
    if (after.ownerId && after.ownerId !== before.ownerId)
      events.push(
        domainEvent(tenantId, 'lead.assigned', { leadId: after.id, ownerId: after.ownerId, previousOwnerId: before.ownerId, via: 'user' }),
      );
    if (after.status === 'disqualified' && before.status !== 'disqualified')
      events.push(domainEvent(tenantId, 'lead.disqualified', { ...leadData(after), reason: after.disqualifiedReason! }));
    try {
      await repo.updateLead(tenantId, before, after, events);
    } catch (error) {
      if (isWriteConflict<LeadConflict>(error, 'EMAIL', 'PHONE')) {
        const field = isWriteConflict<LeadConflict>(error, 'EMAIL') ? 'email' : 'phone';
        throw conflict(`another lead has this ${field}`, { field });
      }
      throw error;
    }
    return after;
  };

  /** The form a public id names, in the tenant the id carries; 404 when either is wrong. */
  const formOf = async (formId: string): Promise<{ tenantId: string; form: LeadForm }> => {
    const ref = parseFormId(formId);
    const form = ref && (await repo.getForm(ref.tenantId, ref.localId));
    if (!ref || !form || form.id !== formId) throw notFound('form');
    return { tenantId: ref.tenantId, form };
  };

  /** The lead fields a submission gives, from the fields the form accepts; other accepted fields become attributes. */
  const submission = (form: LeadForm, body: Record<string, string>) => {
    const fields: Record<string, unknown> = {};
    const attributes: Record<string, string> = {};
    for (const name of form.fields) {
      const value = body[name]?.trim();
      if (!value) continue;
      if ((formLeadFields as readonly string[]).includes(name)) fields[name] = value;
      else attributes[name] = value;
    }
    const parsed = createLeadBody.safeParse({
      ...fields,
      source: form.defaultSource,
      ...(form.defaultOwnerId && { ownerId: form.defaultOwnerId }),
      ...(Object.keys(attributes).length && { attributes }),
    });
    if (!parsed.success) throw validationProblem(fieldErrors(parsed.error, 'body'));
    return parsed.data;
  };

  const conversionView = (lead: Lead) => ({ leadId: lead.id, ...lead.conversion!, version: lead.version });

  /** The id of what a create found already there (a 409 naming `existingId`), or the error as is. */
  const existingOr = (error: unknown): string => {
    const existing = error instanceof DomainError && error.kind === 'conflict' ? error.extra.existingId : undefined;
    if (typeof existing === 'string') return existing;
    throw error;
  };

  /**
   * Converts a lead: reuses the contact its email or phone belongs to (only
   * its empty fields are filled) or creates one, finds the company by domain or
   * creates it, creates the deal, records the conversion on the contact's
   * timeline, then stores the result on the lead conditional on its version.
   * A retry, or a second convert, answers the stored result.
   */
  const convert = async (tenantId: string, leadId: string, body: z.output<typeof convertBody>, actor: Actor) => {
    const lead = await repo.getLead(tenantId, leadId, true);
    if (!lead) throw notFound('lead');
    if (lead.conversion) return conversionView(lead);
    const [firstName, ...rest] = (lead.name ?? '').split(/\s+/).filter(Boolean);
    const fields: ContactFields = {
      firstName,
      lastName: rest.length ? rest.join(' ') : undefined,
      email: lead.email,
      phone: lead.phone,
      ownerId: lead.ownerId,
    };
    let companyId: string | undefined;
    if (body.company) {
      const domain = body.company.domain ?? lead.email?.split('@')[1];
      const normalised = domain ? normalizeDomain(domain) : undefined;
      if (body.company.domain && !normalised)
        throw unprocessable('the company domain is not a domain', { errors: { 'body.company.domain': ['not a domain'] } });
      const name = body.company.name ?? lead.companyName ?? normalised;
      if (!name) throw unprocessable('the company needs a name or a domain', { errors: { 'body.company': ['give name or domain'] } });
      companyId = normalised ? await refs.companyByDomain(tenantId, normalised) : undefined;
      companyId ??= await refs.createCompany(tenantId, { name, ...(normalised && { domain: normalised }) }, actor).catch(async (error) => {
        const found = normalised && (await refs.companyByDomain(tenantId, normalised));
        if (found) return found;
        throw error;
      });
    }
    let contactId =
      (lead.email && (await refs.contactByEmail(tenantId, lead.email))) ||
      (lead.phone && (await refs.contactByPhone(tenantId, lead.phone))) ||
      undefined;
    const reusedContact = !!contactId;
    if (!contactId)
      contactId = await refs
        .createContact(tenantId, { ...fields, ...(companyId && { companyId }), consent: lead.consent }, actor)
        .catch(existingOr);
    else await refs.fillContact(tenantId, contactId, { ...fields, companyId }, actor);
    // The deal's id comes from the lead's: a convert retried after a crash past this step finds the deal, never makes a second.
    const dealId = body.deal
      ? await refs.createDeal(tenantId, { ...body.deal, id: dealIdOf(lead), contactId, companyId, ownerId: lead.ownerId }, actor)
      : undefined;
    await refs.recordConverted(tenantId, contactId, lead, actor);
    const at = now().toISOString();
    const after: Lead = {
      ...lead,
      version: lead.version + 1,
      status: 'converted',
      conversion: { contactId, ...(companyId && { companyId }), ...(dealId && { dealId }), at },
      updatedAt: at,
    };
    try {
      await repo.updateLead(tenantId, lead, after, [
        domainEvent(tenantId, 'lead.updated', { ...leadData(after), changed: ['status', 'conversion'] }),
        domainEvent(tenantId, 'lead.converted', { leadId: lead.id, contactId, reusedContact, companyId, dealId }),
      ]);
    } catch (error) {
      if (!isWriteConflict<LeadConflict>(error, 'VERSION')) throw error;
      const current = await repo.getLead(tenantId, leadId, true);
      if (current?.conversion) return conversionView(current);
      throw conflict('the lead changed while it was being converted; convert it again');
    }
    return conversionView(after);
  };

  const service: ServiceFor<typeof leadRoutes, RequestContext> = {
    convertLead: ({ params, body }, ctx) => convert(ctx.tenantId, params.id, body, userActor(ctx.userId)),

    createLead: async ({ body }, ctx) => captureReply(await capture(ctx.tenantId, body, ctx.userId)),

    async getLead({ params }, ctx) {
      const lead = await repo.getLead(ctx.tenantId, params.id);
      if (!lead) throw notFound('lead');
      return leadView(lead, now());
    },

    updateLead: ({ params, body, ifMatch }, ctx) =>
      changeLead(ctx.tenantId, params.id, ifMatch, async (before) => leadView(await patchLead(ctx.tenantId, before, body), now())),

    async listLeads({ query }, ctx) {
      const page = query.status
        ? await repo.listByStatus(ctx.tenantId, query.status, query)
        : await repo.listByOwner(ctx.tenantId, query.ownerId ?? ctx.userId, query);
      return { ...page, items: page.items.map((l) => leadView(l, now())) };
    },

    async createForm({ body }, ctx) {
      const localId = newId();
      const form: LeadForm = {
        id: publicFormId(ctx.tenantId, localId),
        localId,
        version: 1,
        ...body,
        createdBy: ctx.userId,
        createdAt: now().toISOString(),
      };
      await repo.createForm(ctx.tenantId, form, [
        domainEvent(ctx.tenantId, 'lead.form_created', { formId: form.id, name: form.name, fields: form.fields }),
      ]);
      return formView(form);
    },

    async getForm({ params }, ctx) {
      const ref = parseFormId(params.formId);
      const form = ref && ref.tenantId === ctx.tenantId ? await repo.getForm(ctx.tenantId, ref.localId) : undefined;
      if (!form) throw notFound('form');
      return formView(form);
    },

    async listForms({ query }, ctx) {
      const page = await repo.listForms(ctx.tenantId, query);
      return { ...page, items: page.items.map(formView) };
    },

    async submitForm({ params, body, client }) {
      const { tenantId, form } = await formOf(params.formId);
      const ip = client?.ip ?? 'unknown';
      const limited = await rateLimited(now(), formLimits(ip, form.rateLimit), (scope, window, limit, expiresAt) =>
        repo.countHit(tenantId, form.localId, scope, window, limit, expiresAt),
      );
      if (limited) return limited;
      const input = submission(form, body);
      const result = await capture(tenantId, input, `form:${form.id}`, { formId: form.id, submissionId: newId() });
      if (client?.formPost) return new Reply(303, '', { location: form.thankYouUrl, 'content-type': 'text/plain' });
      return 'created' in result
        ? { leadId: result.created.id }
        : { ...(result.matched.kind === 'lead' && { leadId: result.matched.id }), matched: result.matched };
    },

    async getScoring(_request, ctx) {
      return scoringOf(ctx.tenantId);
    },

    async putScoring({ body, ifMatch }, ctx) {
      const current = await repo.getScoring(ctx.tenantId);
      const version = current?.version ?? 0;
      if (ifMatch !== undefined && ifMatch !== version) throw preconditionFailed();
      const rules: ScoringRules = { ...body, version: version + 1, updatedAt: now().toISOString() };
      try {
        await repo.putScoring(ctx.tenantId, rules, version, [
          domainEvent(ctx.tenantId, 'lead.scoring_updated', {
            version: rules.version,
            fitRules: rules.fit.length,
            halfLifeDays: rules.halfLifeDays,
          }),
        ]);
      } catch (error) {
        if (isWriteConflict<LeadConflict>(error, 'VERSION')) throw preconditionFailed();
        throw error;
      }
      return rules;
    },

    async getRouting(_request, ctx) {
      const routing = await repo.getRouting(ctx.tenantId);
      return routing
        ? { members: routing.members, version: routing.version, updatedAt: routing.updatedAt }
        : { members: [], version: 0, updatedAt: now().toISOString() };
    },

    async putRouting({ body, ifMatch }, ctx) {
      const current = await repo.getRouting(ctx.tenantId);
      const version = current?.version ?? 0;
      if (ifMatch !== undefined && ifMatch !== version) throw preconditionFailed();
      const routing = { members: body.members, version: version + 1, updatedAt: now().toISOString() };
      try {
        await repo.putRouting(ctx.tenantId, routing, version, [
          domainEvent(ctx.tenantId, 'lead.routing_updated', { version: routing.version, members: routing.members }),
        ]);
      } catch (error) {
        if (isWriteConflict<LeadConflict>(error, 'VERSION')) throw preconditionFailed();
        throw error;
      }
      return routing;
    },
  };
  return Object.assign(service, { capture, addBehaviour, matchOf });
};

const formView = ({ localId: _local, ...form }: LeadForm) => form;
