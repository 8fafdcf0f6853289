import { publicBaseUrl } from '../../shared/config.ts';
import type { Page, PageRequest } from '../../shared/db/query.ts';
import { isWriteConflict } from '../../shared/db/transact.ts';
import { systemActor } from '../../shared/domain/actor.ts';
import { DomainError, notFound, unprocessable } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import { type CustomerCaller, customerCookie, signCustomerSession } from '../../shared/http/customer.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import { brokenLink } from '../../shared/http/html-page.ts';
import { overLimit, tooManyRequests } from '../../shared/http/rate-limit.ts';
import { Reply } from '../../shared/http/reply.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { logger } from '../../shared/logger.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { retry } from '../../shared/retry.ts';
import type { SendOutcome, SendRequest } from '../messaging/api.ts';
import type { Ticket, TicketMessage, TicketsApi } from '../tickets/api.ts';
import { addressScope, formTokenOf, isFormTokenOf, readSignInLink, signInLinkMinutes, signInUrl } from './link.ts';
import {
  articlePage,
  checkEmailPage,
  confirmSignInPage,
  kbPage,
  newTicketPage,
  noticePage,
  paths,
  signInEmail,
  signInPage,
  ticketPage,
  ticketsPage,
} from './page.ts';
import type { PortalRepository } from './repository.ts';
import type { portalRoutes } from './routes.ts';
import type { KbArticle, KbHit, PortalMessage, PortalSurvey, PortalTicket } from './schemas.ts';

/** The knowledge base as the portal needs it: published articles only. */
export interface KnowledgePort {
  search(tenantId: string, q: string, locale?: string): Promise<KbHit[]>;
  article(tenantId: string, slug: string, locale?: string): Promise<KbArticle | undefined>;
}

/** What the portal asks of other contexts; the handler wires the real APIs, tests give fakes. */
export interface PortalPorts {
  tickets: Pick<TicketsApi, 'open' | 'get' | 'reply' | 'conversation' | 'ofContact'>;
  kb: KnowledgePort;
  /** The contact holding this normalised email (contactsApi.findByEmail). */
  contactByEmail(tenantId: string, email: string): Promise<{ id: string } | undefined>;
  /** The contact's surveys waiting for an answer (surveysApi.pending). */
  pendingSurveys(tenantId: string, contactId: string): Promise<PortalSurvey[]>;
  /** messagingApi.send. */
  send(request: SendRequest): Promise<SendOutcome>;
}

/** How long a customer session lasts. */
export const sessionDays = 7;
/** Sign-in requests per fixed window: per address, and per IP (several people may share one). */
export const signInLimits = { windowMinutes: 15, perAddress: 5, perIp: 30 } as const;
/** How many messages of a conversation a ticket page shows. */
const pageMessages = 100;

const customerActor = (c: CustomerCaller) => systemActor('customer', c.contactId);

const ticketView = (t: Ticket): PortalTicket => ({
  id: t.id,
  reference: t.reference,
  subject: t.subject,
  status: t.status,
  priority: t.priority,
  channel: t.channel,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
  ...(t.resolvedAt && { resolvedAt: t.resolvedAt }),
  ...(t.closedAt && { closedAt: t.closedAt }),
});

const messageView = (m: TicketMessage): PortalMessage => ({
  id: m.id,
  ticketId: m.ticketId,
  author: m.author,
  body: m.body,
  createdAt: m.createdAt,
});

const redirect = (location: string, headers: Record<string, string> = {}) =>
  new Reply(303, '', { location, 'content-type': 'text/plain', 'cache-control': 'no-store', ...headers });

/** The session cookie of one tenant's pages: HttpOnly, SameSite=Lax, Secure unless served over plain http (local runtime). */
const sessionCookie = (tenant: string, value: string, maxAgeSeconds: number) =>
  [
    `${customerCookie}=${value}`,
    `Path=${paths.home(tenant)}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(publicBaseUrl().startsWith('https:') ? ['Secure'] : []),
  ].join('; ');

const tooMany = (retryAfter: number, detail: string, page: boolean, tenant: string) =>
  page
    ? (() => {
        const reply = signInPage(429, tenant, `${detail}. Please try again in a few minutes.`);
        return new Reply(429, reply.body, { ...reply.headers, 'retry-after': String(retryAfter) });
      })()
    : tooManyRequests(retryAfter, detail);

export const portalService = (repo: PortalRepository, ports: PortalPorts) => {
  const now = () => clock().now();

  /** One of the customer's tickets; someone else's is not found, exactly like one that does not exist. */
  const ownTicket = async (c: CustomerCaller, ticketId: string) => {
    const ticket = await ports.tickets.get({ tenantId: c.tenantId, ticketId });
    if (!ticket || ticket.contactId !== c.contactId) throw notFound('ticket');
    return ticket;
  };

  const openTicket = (c: CustomerCaller, subject: string, body: string) =>
    ports.tickets.open({
      tenantId: c.tenantId,
      input: { contactId: c.contactId, subject, body, channel: 'portal' },
      actor: customerActor(c),
    });

  const reply = async (c: CustomerCaller, ticketId: string, body: string) => {
    await ownTicket(c, ticketId);
    const { message } = await ports.tickets.reply({
      tenantId: c.tenantId,
      ticketId,
      message: { author: 'customer', authorId: c.contactId, body, public: true, channel: 'portal' },
      actor: customerActor(c),
    });
    return message;
  };

  const conversation = async (c: CustomerCaller, ticketId: string, page: PageRequest): Promise<Page<PortalMessage>> => {
    await ownTicket(c, ticketId);
    const found = await ports.tickets.conversation({ tenantId: c.tenantId, ticketId, publicOnly: true, page });
    // publicOnly is the tickets context's promise; a note slipping through would be a leak, so it is checked here too.
    return { ...found, items: found.items.filter((m) => m.public).map(messageView) };
  };

  /** A form post of a page must carry that session's form token (the cookie alone is not enough). */
  const checkForm = async (c: CustomerCaller, formToken: string) => {
    if (!(await isFormTokenOf(c, formToken)))
      return noticePage(403, 'This form has expired', 'Please go back, reload the page and send it again.', {
        href: paths.home(c.tenantId),
        label: 'My tickets',
      });
    return undefined;
  };

  /**
   * Counts a sign-in request against the IP and the address: true when it may
   * go on, else the seconds until the window ends.
   */
  const withinLimits = async (tenantId: string, email: string, ip: string): Promise<true | { retryAfter: number; detail: string }> =>
    (await overLimit(
      now(),
      [
        { scope: `IP#${ip}`, limit: signInLimits.perIp, detail: 'Too many sign-in requests from this network' },
        { scope: addressScope(email), limit: signInLimits.perAddress, detail: 'Too many sign-in links were asked for this address' },
      ],
      (scope, window, limit, expiresAt) => repo.countSignIn(tenantId, scope, window, limit, expiresAt),
      signInLimits.windowMinutes * 60_000,
    )) ?? true;

  /**
   * Uses a sign-in link: once, before it expires, for the tenant of the path.
   * Records the customer (first sign-in) and a new session; answers its token.
   */
  const useLink = async (tenant: string, token: string) => {
    const link = await readSignInLink(token, tenant, now());
    if (link.status !== 'valid') return link.status;
    const signedInAt = now();
    const sessionId = newId();
    try {
      const sessionVersion = await retry(
        async () => {
          const known = await repo.getCustomer(tenant, link.contactId, true);
          const sessionVersion = known?.sessionVersion ?? 1;
          await repo.signIn(
            tenant,
            { linkId: link.linkId, expiresAt: link.expiresAt + 3600 },
            {
              contactId: link.contactId,
              sessionVersion,
              firstSignInAt: known?.firstSignInAt ?? signedInAt.toISOString(),
              lastSignInAt: signedInAt.toISOString(),
            },
            known?.sessionVersion,
            [domainEvent(tenant, 'portal.signed_in', { contactId: link.contactId, sessionId })],
          );
          return sessionVersion;
        },
        // A sign-out (or another sign-in) moved the customer between the read and the write: read again.
        { retryOn: (error) => isWriteConflict(error, 'CUSTOMER') && !isWriteConflict(error, 'USED') },
      );
      const customer: CustomerCaller = { tenantId: tenant, contactId: link.contactId, sessionId, sessionVersion };
      const expiresAt = new Date(signedInAt.getTime() + sessionDays * 86_400_000);
      return { customer, token: await signCustomerSession(customer, expiresAt), expiresAt };
    } catch (error) {
      if (isWriteConflict(error) && (error.reasons as string[]).includes('USED')) return 'used' as const;
      throw error;
    }
  };

  const service: ServiceFor<typeof portalRoutes, RequestContext> = {
    async signInPage({ params }) {
      return signInPage(200, params.tenant);
    },

    async requestSignIn({ params, body, client }) {
      const tenantId = params.tenant;
      const page = !!client?.formPost;
      const allowed = await withinLimits(tenantId, body.email, client?.ip ?? 'unknown');
      if (allowed !== true) return tooMany(allowed.retryAfter, allowed.detail, page, tenantId);
      const contact = await ports.contactByEmail(tenantId, body.email);
      if (contact) {
        const linkId = newId();
        const expiresAt = new Date(now().getTime() + signInLinkMinutes * 60_000);
        // Whatever messaging does (sent, suppressed, no consent, even a failure), the answer is the same: it must not tell who is a customer.
        const outcome = await ports
          .send({
            tenantId,
            contactId: contact.id,
            channel: 'email',
            purpose: 'transactional',
            content: signInEmail,
            variables: { signInUrl: await signInUrl(tenantId, contact.id, linkId, expiresAt) },
            dedupeKey: `portal.sign-in.${linkId}`,
          })
          .catch((error: unknown) => {
            logger.error('sign-in link not sent', { error: error as Error });
            return undefined;
          });
        if (outcome && outcome.status !== 'sent') logger.warn('sign-in link not sent', { outcome: outcome.status });
      }
      if (page) return checkEmailPage(tenantId);
      return new Reply(202, {
        status: 'accepted',
        detail: `if the address belongs to a customer, a sign-in link is on its way; it works once, for ${signInLinkMinutes} minutes`,
      });
    },

    async signInLinkPage({ params, query }) {
      const link = query.token ? await readSignInLink(query.token, params.tenant, now()) : { status: 'invalid' as const };
      if (link.status === 'expired')
        return noticePage(410, 'This link has expired', `Sign-in links work for ${signInLinkMinutes} minutes. Ask for a new one.`, {
          href: paths.signIn(params.tenant),
          label: 'Send a new link',
        });
      if (link.status === 'invalid')
        return noticePage(brokenLink.status, brokenLink.title, brokenLink.message, { href: paths.signIn(params.tenant), label: 'Sign in' });
      return confirmSignInPage(params.tenant, query.token!);
    },

    async followSignInLink({ params, body }) {
      const result = await useLink(params.tenant, body.token);
      const again = { href: paths.signIn(params.tenant), label: 'Send a new link' };
      if (result === 'used')
        return noticePage(410, 'This link was already used', 'Each sign-in link works once. Ask for a new one.', again);
      if (result === 'expired')
        return noticePage(410, 'This link has expired', `Sign-in links work for ${signInLinkMinutes} minutes. Ask for a new one.`, again);
      if (result === 'invalid') return noticePage(brokenLink.status, brokenLink.title, brokenLink.message, again);
      return redirect(paths.home(params.tenant), { 'set-cookie': sessionCookie(params.tenant, result.token, sessionDays * 86_400) });
    },

    async createPortalSession({ params, body }) {
      const result = await useLink(params.tenant, body.token);
      if (typeof result === 'string')
        throw unprocessable(`the sign-in link is ${result === 'used' ? 'already used' : result}`, { link: result });
      return {
        token: result.token,
        tokenType: 'Bearer' as const,
        expiresAt: result.expiresAt.toISOString(),
        tenantId: result.customer.tenantId,
        contactId: result.customer.contactId,
      };
    },

    async endPortalSession({ customer }) {
      await repo.signOut(customer.tenantId, customer.contactId, [
        domainEvent(customer.tenantId, 'portal.signed_out', { contactId: customer.contactId }),
      ]);
      return undefined;
    },

    async listPortalTickets({ query, customer }) {
      const page = await ports.tickets.ofContact({ tenantId: customer.tenantId, contactId: customer.contactId, page: query });
      return { ...page, items: page.items.map(ticketView) };
    },

    async openPortalTicket({ body, customer }) {
      const { ticket } = await openTicket(customer, body.subject, body.body);
      return ticketView(ticket);
    },

    async getPortalTicket({ params, customer }) {
      return ticketView(await ownTicket(customer, params.id));
    },

    async listPortalMessages({ params, query, customer }) {
      return conversation(customer, params.id, query);
    },

    async replyPortalTicket({ params, body, customer }) {
      return messageView(await reply(customer, params.id, body.body));
    },

    async searchPortalKb({ query, customer }) {
      return { items: await ports.kb.search(customer.tenantId, query.q, query.locale) };
    },

    async getPortalArticle({ params, query, customer }) {
      const article = await ports.kb.article(customer.tenantId, params.slug, query.locale);
      if (!article) throw notFound('article');
      return article;
    },

    async listPortalSurveys({ customer }) {
      return { items: await ports.pendingSurveys(customer.tenantId, customer.contactId) };
    },

    async ticketsPage({ params, query, customer }) {
      const [page, surveys] = await Promise.all([
        ports.tickets.ofContact({ tenantId: customer.tenantId, contactId: customer.contactId, page: query }),
        query.cursor ? [] : ports.pendingSurveys(customer.tenantId, customer.contactId),
      ]);
      return ticketsPage(params.tenant, await formTokenOf(customer), page.items.map(ticketView), surveys, page.nextCursor);
    },

    async newTicketPage({ params, customer }) {
      return newTicketPage(params.tenant, await formTokenOf(customer));
    },

    async openTicketForm({ params, body, customer }) {
      const refused = await checkForm(customer, body.formToken);
      if (refused) return refused;
      const { ticket } = await openTicket(customer, body.subject, body.body);
      return redirect(paths.ticket(params.tenant, ticket.id));
    },

    async ticketPage({ params, customer }) {
      const ticket = await ownTicket(customer, params.id).catch((error: unknown) => {
        if (error instanceof DomainError && error.kind === 'not-found') return undefined;
        throw error;
      });
      if (!ticket)
        return noticePage(404, 'Request not found', 'There is no such request among yours.', {
          href: paths.home(params.tenant),
          label: 'My tickets',
        });
      const messages = await conversation(customer, params.id, { limit: pageMessages });
      return ticketPage(params.tenant, await formTokenOf(customer), ticketView(ticket), messages.items);
    },

    async replyForm({ params, body, customer }) {
      const refused = await checkForm(customer, body.formToken);
      if (refused) return refused;
      await reply(customer, params.id, body.body);
      return redirect(paths.ticket(params.tenant, params.id));
    },

    async kbPage({ params, query, customer }) {
      const hits = query.q ? await ports.kb.search(customer.tenantId, query.q, query.locale) : [];
      return kbPage(params.tenant, await formTokenOf(customer), query.q, hits);
    },

    async articlePage({ params, query, customer }) {
      const article = await ports.kb.article(customer.tenantId, params.slug, query.locale);
      if (!article)
        return noticePage(404, 'Article not found', 'This help article does not exist or is no longer published.', {
          href: paths.kb(params.tenant),
          label: 'Help articles',
        });
      return articlePage(params.tenant, await formTokenOf(customer), article);
    },

    async signOutForm({ params, body, customer }) {
      const refused = await checkForm(customer, body.formToken);
      if (refused) return refused;
      await service.endPortalSession({ params: undefined, query: undefined, body: undefined, customer }, undefined as never);
      return redirect(paths.signIn(params.tenant), { 'set-cookie': sessionCookie(params.tenant, '', 0) });
    },
  };

  /** Whether a verified session token still holds: its customer exists and has not signed out since it was issued. */
  const sessionHolds = async (c: CustomerCaller) =>
    (await repo.getCustomer(c.tenantId, c.contactId, true))?.sessionVersion === c.sessionVersion;

  return Object.assign(service, { sessionHolds });
};
