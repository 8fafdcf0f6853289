import { userActor } from '../../shared/domain/actor.ts';
import { notFound } from '../../shared/errors.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import type { ticketRoutes } from './routes.ts';
import type { Ticket } from './schemas.ts';
import type { TicketReferences, TicketService } from './service.ts';

/** Support and admins see every ticket; a caller who is only sales sees those of contacts it owns. */
const restrictedToOwner = (ctx: RequestContext) => !ctx.roles.some((r) => r === 'admin' || r === 'support');

/** The HTTP operations of tickets over the service: who may see what, and the shapes the routes answer. */
export const ticketHttp = (service: TicketService, refs: TicketReferences): ServiceFor<typeof ticketRoutes, RequestContext> => {
  const ownsContact = async (ctx: RequestContext, contactId: string) =>
    (await refs.contact(ctx.tenantId, contactId))?.ownerId === ctx.userId;

  const visibleTicket = async (ctx: RequestContext, id: string): Promise<Ticket> => {
    const ticket = await service.get(ctx.tenantId, id);
    if (!ticket || (restrictedToOwner(ctx) && !(await ownsContact(ctx, ticket.contactId)))) throw notFound('ticket');
    return ticket;
  };

  const addMessage = async (ctx: RequestContext, id: string, body: string, isPublic: boolean) => {
    const before = await visibleTicket(ctx, id);
    const { ticket, message } = await service.reply(
      ctx.tenantId,
      id,
      { author: 'agent', authorId: ctx.userId, body, public: isPublic, channel: before.channel },
      userActor(ctx.userId),
    );
    return { ...message, ticket };
  };

  return {
    async createTicket({ body }, ctx) {
      const actor = userActor(ctx.userId);
      const contactId = body.contactId
        ? body.contactId
        : (await refs.contactForEmail(ctx.tenantId, { email: body.email!, firstName: body.firstName, lastName: body.lastName }, actor)).id;
      const { ticket } = await service.open(
        ctx.tenantId,
        {
          contactId,
          subject: body.subject,
          body: body.body,
          channel: body.channel,
          priority: body.priority,
          category: body.category,
          tags: body.tags,
          teamId: body.teamId,
        },
        actor,
      );
      return ticket;
    },

    listTickets: ({ query: { status, assigneeId, teamId, limit, cursor } }, ctx) =>
      service.list(ctx.tenantId, status || assigneeId || teamId ? { status, assigneeId, teamId } : { assigneeId: ctx.userId }, {
        limit,
        cursor,
      }),

    getTicket: ({ params }, ctx) => visibleTicket(ctx, params.id),

    updateTicket: ({ params, body, ifMatch }, ctx) => service.patch(ctx.tenantId, params.id, body, ifMatch),

    replyToTicket: ({ params, body }, ctx) => addMessage(ctx, params.id, body.body, true),
    addTicketNote: ({ params, body }, ctx) => addMessage(ctx, params.id, body.body, false),

    async listTicketMessages({ params, query }, ctx) {
      await visibleTicket(ctx, params.id);
      return service.conversation(ctx.tenantId, params.id, false, query);
    },

    async listContactTickets({ params, query }, ctx) {
      const contact = await refs.contact(ctx.tenantId, params.id);
      if (!contact || (restrictedToOwner(ctx) && contact.ownerId !== ctx.userId)) throw notFound('contact');
      return service.ofContact(ctx.tenantId, params.id, query);
    },

    getTicketRules: (_, ctx) => service.docs.rules(ctx.tenantId),
    putTicketRules: ({ body, ifMatch }, ctx) => service.docs.replaceRules(ctx.tenantId, body.rules, ifMatch),
    getTicketSettings: (_, ctx) => service.docs.settings(ctx.tenantId),
    putTicketSettings: ({ body, ifMatch }, ctx) => service.docs.replaceSettings(ctx.tenantId, body, ifMatch),
  };
};
