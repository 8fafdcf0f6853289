import { isWriteConflict } from '../../shared/db/transact.ts';
import { type Actor, systemActor } from '../../shared/domain/actor.ts';
import { parsePublicId, publicId } from '../../shared/domain/public-id.ts';
import { DomainError, notFound, preconditionFailed } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import { tenantPattern } from '../../shared/http/auth.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { Problem } from '../../shared/http/problem.ts';
import { formLimits, rateLimited } from '../../shared/http/rate-limit.ts';
import { Reply } from '../../shared/http/reply.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import type { ContactsApi } from '../contacts/api.ts';
import type { Ticket, TicketsApi } from '../tickets/api.ts';
import { cleanSubject, messageBody, type ParsedEmail, parseEmail, stripQuoted, subjectReference } from './email.ts';
import type { IntakeConflict, IntakeRepository } from './repository.ts';
import type { intakeRoutes } from './routes.ts';
import type { IngestMessage, TicketForm, TicketIntegration } from './schemas.ts';
import { integrationSecret, signatureHeaders, verifySignature } from './signature.ts';

/**
 * What intake asks of other contexts. `byReference` is the ticket with a
 * human reference (T-1042), as tickets answers it; the rest are members of
 * ticketsApi and contactsApi as they are.
 */
export interface IntakePorts {
  tickets: Pick<TicketsApi, 'open' | 'reply'> & {
    byReference(input: { tenantId: string; reference: string }): Promise<Ticket | undefined>;
  };
  contacts: Pick<ContactsApi, 'findByEmail' | 'findByPhone' | 'create'>;
  /** The service's HMAC key (shared/config.ts getSigningSecret), from which integration secrets are derived. */
  signingKey(): Promise<string>;
}

/**
 * Which tenant a received email is for. An exact address of `addresses`
 * wins (a tenant's own support address forwarded to us); otherwise an
 * address `<anything>+<tenant>@<domain>` on our receiving domain.
 */
export interface MailRouting {
  domain?: string;
  addresses: Record<string, string>;
}

export const tenantOfRecipients = (recipients: string[], routing: MailRouting): string | undefined => {
  const addresses = Object.fromEntries(Object.entries(routing.addresses).map(([a, t]) => [a.trim().toLowerCase(), t]));
  const normalised = recipients.map((r) => r.trim().toLowerCase());
  for (const r of normalised) if (addresses[r]) return addresses[r];
  const domain = routing.domain?.trim().toLowerCase();
  if (!domain) return undefined;
  for (const r of normalised) {
    const match = /^[^@+]+\+([^@]+)@(.+)$/.exec(r);
    if (match && match[2] === domain && tenantPattern.test(match[1]!)) return match[1];
  }
  return undefined;
};

/** What became of one received email. */
export type EmailOutcome =
  | { outcome: 'created' | 'replied' | 'duplicate'; tenantId: string; messageId: string; ticketId: string }
  | { outcome: 'ignored'; messageId: string; reason: string; tenantId?: string };

/** What SES says of a message besides its content: its envelope recipients and its verdicts. */
export interface Receipt {
  recipients: string[];
  spam?: boolean;
  virus?: boolean;
}

const unauthorized = (detail: string) => new Problem(401, 'Unauthorized', detail);

const nameParts = (name?: string) => {
  const [firstName, ...rest] = (name ?? '').split(/\s+/).filter(Boolean);
  return { ...(firstName && { firstName: firstName.slice(0, 100) }), ...(rest.length && { lastName: rest.join(' ').slice(0, 100) }) };
};

const subjectFrom = (subject: string | undefined, body: string) => {
  const s =
    subject?.trim() ||
    body
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ||
    '(no subject)';
  return s.length > 300 ? `${s.slice(0, 297)}…` : s;
};

export const intakeService = (repo: IntakeRepository, ports: IntakePorts, routing: () => MailRouting) => {
  const now = () => clock().now();

  /**
   * The contact of a customer, through the contact dedupe: the one holding the
   * email, else the phone, else a new one. Of two concurrent creates, the
   * loser's 409 names the winner.
   */
  const contactFor = async (tenantId: string, who: { email?: string; phone?: string; name?: string }, actor: Actor) => {
    const found =
      (who.email && (await ports.contacts.findByEmail({ tenantId, email: who.email }))) ||
      (who.phone && (await ports.contacts.findByPhone({ tenantId, phone: who.phone }))) ||
      undefined;
    if (found) return found.id;
    try {
      const input = { ...(who.email && { email: who.email }), ...(who.phone && { phone: who.phone }), ...nameParts(who.name) };
      return (await ports.contacts.create({ tenantId, input, actor })).id;
    } catch (error) {
      const existing = error instanceof DomainError && error.kind === 'conflict' ? error.extra.existingId : undefined;
      if (typeof existing === 'string') return existing;
      throw error;
    }
  };

  /**
   * The ticket an email answers: a Message-ID of In-Reply-To or References
   * that intake received or tickets sent, newest first; else the reference in
   * the subject, when the sender is the ticket's contact (a reference is easy
   * to guess, a Message-ID is not).
   */
  const threadOf = async (tenantId: string, mail: ParsedEmail, contactId: string): Promise<string | undefined> => {
    for (const id of mail.answers.slice(0, 20)) {
      const landed = await repo.mailTicket(tenantId, id);
      if (landed) return landed.ticketId;
    }
    const reference = subjectReference(mail.subject);
    if (!reference) return undefined;
    const ticket = await ports.tickets.byReference({ tenantId, reference });
    return ticket && ticket.contactId === contactId ? ticket.id : undefined;
  };

  /**
   * One received email, parsed once whichever way it came (SES through S3, or
   * POST /dev/inbound-email): a reply on the ticket it threads onto, or a new
   * ticket. A second delivery of a Message-ID changes nothing.
   */
  const receiveEmail = async (raw: string | Uint8Array, receipt: Receipt): Promise<EmailOutcome> => {
    const mail = await parseEmail(raw);
    const { messageId } = mail;
    const tenantId = tenantOfRecipients(receipt.recipients.length ? receipt.recipients : mail.to, routing());
    if (!tenantId) return { outcome: 'ignored', messageId, reason: 'no recipient names a tenant' };
    if (receipt.virus) return { outcome: 'ignored', messageId, tenantId, reason: 'the message carries a virus' };
    if (!mail.from) return { outcome: 'ignored', messageId, tenantId, reason: 'the message has no sender address' };
    if (mail.automatic) return { outcome: 'ignored', messageId, tenantId, reason: 'the message is an automatic reply' };
    const seen = await repo.mailTicket(tenantId, messageId);
    if (seen) return { outcome: 'duplicate', tenantId, messageId, ticketId: seen.ticketId };

    const actor = systemActor('intake', 'email');
    const contactId = await contactFor(tenantId, { email: mail.from.address, name: mail.from.name }, actor);
    const ticketId = await threadOf(tenantId, mail, contactId);
    if (ticketId) {
      try {
        const { message } = await ports.tickets.reply({
          tenantId,
          ticketId,
          message: {
            author: 'customer',
            authorId: contactId,
            body: messageBody(stripQuoted(mail.text), mail.attachments),
            public: true,
            channel: 'email',
            sourceMessageId: messageId,
          },
          actor,
        });
        await repo.recordMail(tenantId, messageId, { ticketId, messageId: message.id });
        return { outcome: 'replied', tenantId, messageId, ticketId };
      } catch (error) {
        // A thread onto a ticket that is gone opens a new one.
        if (!(error instanceof DomainError && error.kind === 'not-found')) throw error;
      }
    }
    const { ticket, created } = await ports.tickets.open({
      tenantId,
      input: {
        contactId,
        subject: subjectFrom(cleanSubject(mail.subject), mail.text),
        body: messageBody(mail.text, mail.attachments),
        channel: 'email',
        ...(receipt.spam && { tags: ['suspected-spam'] }),
        sourceMessageId: messageId,
      },
      actor,
    });
    await repo.recordMail(tenantId, messageId, { ticketId: ticket.id });
    // A concurrent delivery of the same message opened it first: tickets answered the same ticket.
    return { outcome: created ? 'created' : 'duplicate', tenantId, messageId, ticketId: ticket.id };
  };

  /** The integration a request names, after its signature checks out; 401 otherwise (an unknown id included). */
  const signedIntegration = async (client: { headers?: Record<string, string | undefined>; rawBody?: string } | undefined) => {
    const headers = client?.headers ?? {};
    const id = headers[signatureHeaders.integration];
    const ref = id ? parsePublicId(id) : undefined;
    if (!id || !ref) throw unauthorized(`send ${signatureHeaders.integration}: the id POST /ticket-integrations answered`);
    const integration = await repo.getIntegration(ref.tenantId, ref.localId);
    if (!integration || integration.id !== id) throw unauthorized('no such integration');
    const check = verifySignature({
      secret: integrationSecret(await ports.signingKey(), integration.id, integration.salt),
      timestamp: headers[signatureHeaders.timestamp],
      signature: headers[signatureHeaders.signature],
      body: client?.rawBody ?? '',
      now: now(),
    });
    if (!check.ok) throw unauthorized(check.reason);
    return { tenantId: ref.tenantId, integration };
  };

  /**
   * One message of a chat, call or social post: idempotent by its source id,
   * a reply when its thread already has a ticket, else a new ticket.
   */
  const ingest = async (tenantId: string, integration: TicketIntegration, message: IngestMessage) => {
    const seen = await repo.sourceTicket(tenantId, integration.localId, message.sourceMessageId);
    if (seen) return { ticketId: seen.ticketId, ...(seen.messageId && { messageId: seen.messageId }), outcome: 'duplicate' as const };
    const actor = systemActor('intake', integration.id);
    const contactId = await contactFor(tenantId, message.customer, actor);
    const sourceMessageId = `${integration.id}:${message.sourceMessageId}`;
    const threaded = message.threadId ? await repo.threadTicket(tenantId, integration.localId, message.threadId) : undefined;
    if (threaded) {
      const { ticket, message: added } = await ports.tickets.reply({
        tenantId,
        ticketId: threaded,
        message: { author: 'customer', authorId: contactId, body: message.body, public: true, channel: message.channel, sourceMessageId },
        actor,
      });
      await repo.recordSource(tenantId, integration.localId, message.sourceMessageId, { ticketId: ticket.id, messageId: added.id });
      return { ticketId: ticket.id, reference: ticket.reference, messageId: added.id, outcome: 'replied' as const };
    }
    const { ticket, created } = await ports.tickets.open({
      tenantId,
      input: {
        contactId,
        subject: subjectFrom(message.subject, message.body),
        body: message.body,
        channel: message.channel,
        sourceMessageId,
      },
      actor,
    });
    if (message.threadId) await repo.recordThread(tenantId, integration.localId, message.threadId, ticket.id);
    await repo.recordSource(tenantId, integration.localId, message.sourceMessageId, { ticketId: ticket.id });
    return { ticketId: ticket.id, reference: ticket.reference, outcome: created ? ('created' as const) : ('duplicate' as const) };
  };

  /** The form a public id names, in the tenant the id carries; 404 when either is wrong. */
  const formOf = async (formId: string): Promise<{ tenantId: string; form: TicketForm }> => {
    const ref = parsePublicId(formId);
    const form = ref && (await repo.getForm(ref.tenantId, ref.localId));
    if (!ref || !form || form.id !== formId) throw notFound('form');
    return { tenantId: ref.tenantId, form };
  };

  const service: ServiceFor<typeof intakeRoutes, RequestContext> = {
    async createIntegration({ body }, ctx) {
      const localId = newId();
      const integration: TicketIntegration = {
        id: publicId(ctx.tenantId, localId),
        localId,
        version: 1,
        ...body,
        salt: newId(),
        createdBy: ctx.userId,
        createdAt: now().toISOString(),
      };
      await repo.createIntegration(ctx.tenantId, integration, [
        domainEvent(ctx.tenantId, 'ticket_integration.created', {
          integrationId: integration.id,
          name: integration.name,
          channel: integration.channel,
        }),
      ]);
      return { ...integrationView(integration), secret: integrationSecret(await ports.signingKey(), integration.id, integration.salt) };
    },

    async listIntegrations({ query }, ctx) {
      const page = await repo.listIntegrations(ctx.tenantId, query);
      return { ...page, items: page.items.map(integrationView) };
    },

    async getIntegration({ params }, ctx) {
      const ref = parsePublicId(params.integrationId);
      const found = ref && ref.tenantId === ctx.tenantId ? await repo.getIntegration(ctx.tenantId, ref.localId) : undefined;
      if (!found) throw notFound('integration');
      return integrationView(found);
    },

    async deleteIntegration({ params, ifMatch }, ctx) {
      const ref = parsePublicId(params.integrationId);
      const found = ref && ref.tenantId === ctx.tenantId ? await repo.getIntegration(ctx.tenantId, ref.localId) : undefined;
      if (!found) throw notFound('integration');
      if (ifMatch !== undefined && ifMatch !== found.version) throw preconditionFailed();
      try {
        await repo.deleteIntegration(ctx.tenantId, found, [
          domainEvent(ctx.tenantId, 'ticket_integration.deleted', { integrationId: found.id, name: found.name, channel: found.channel }),
        ]);
      } catch (error) {
        if (isWriteConflict<IntakeConflict>(error, 'VERSION')) throw preconditionFailed();
        throw error;
      }
      return undefined;
    },

    async ingestMessage({ body, client }) {
      const { tenantId, integration } = await signedIntegration(client);
      if (body.channel !== integration.channel)
        throw new Problem(400, 'Validation failed', `this integration sends ${integration.channel} messages`, {
          errors: { 'body.channel': [`must be ${integration.channel}`] },
        });
      return ingest(tenantId, integration, body);
    },

    async createTicketForm({ body }, ctx) {
      const localId = newId();
      const form: TicketForm = {
        id: publicId(ctx.tenantId, localId),
        localId,
        version: 1,
        ...body,
        createdBy: ctx.userId,
        createdAt: now().toISOString(),
      };
      await repo.createForm(ctx.tenantId, form, [domainEvent(ctx.tenantId, 'ticket_form.created', { formId: form.id, name: form.name })]);
      return formView(form);
    },

    async listTicketForms({ query }, ctx) {
      const page = await repo.listForms(ctx.tenantId, query);
      return { ...page, items: page.items.map(formView) };
    },

    async getTicketForm({ params }, ctx) {
      const ref = parsePublicId(params.formId);
      const form = ref && ref.tenantId === ctx.tenantId ? await repo.getForm(ctx.tenantId, ref.localId) : undefined;
      if (!form) throw notFound('form');
      return formView(form);
    },

    async submitTicketForm({ params, body, client }) {
      const { tenantId, form } = await formOf(params.formId);
      const ip = client?.ip ?? 'unknown';
      const limited = await rateLimited(now(), formLimits(ip, form.rateLimit), (scope, window, limit, expiresAt) =>
        repo.countHit(tenantId, form.localId, scope, window, limit, expiresAt),
      );
      if (limited) return limited;
      const actor = systemActor('intake', form.id);
      const contactId = await contactFor(tenantId, body, actor);
      const { ticket } = await ports.tickets.open({
        tenantId,
        input: {
          contactId,
          subject: body.subject,
          body: body.message,
          channel: 'web',
          ...(form.priority && { priority: form.priority }),
          ...(form.category && { category: form.category }),
          ...(form.tags?.length && { tags: form.tags }),
          ...(form.teamId && { teamId: form.teamId }),
        },
        actor,
      });
      if (client?.formPost) return new Reply(303, '', { location: form.thankYouUrl, 'content-type': 'text/plain' });
      return { ticketId: ticket.id, reference: ticket.reference };
    },
  };
  return Object.assign(service, { receiveEmail, contactFor });
};

const integrationView = ({ localId: _local, salt: _salt, ...integration }: TicketIntegration) => integration;
const formView = ({ localId: _local, ...form }: TicketForm) => form;
