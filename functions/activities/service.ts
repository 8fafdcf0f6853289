import { notFound, unprocessable } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import type { Contact } from '../contacts/schemas.ts';
import { ActivityWriteConflict, type ActivityRepository } from './repository.ts';
import type { activityRoutes } from './routes.ts';
import type { Activity } from './schemas.ts';

/** What the activities context needs to know about a contact. */
export type ContactLookup = (tenantId: string, contactId: string) => Promise<Pick<Contact, 'companyId' | 'lastActivityAt'> | undefined>;

export const activityService = (repo: ActivityRepository, findContact: ContactLookup) => {
  const service: ServiceFor<typeof activityRoutes, RequestContext> = {
    async logActivity({ params, body }, ctx) {
      const contact = await findContact(ctx.tenantId, params.id);
      if (!contact) throw notFound('contact');
      const now = clock().now();
      const occurredAt = body.occurredAt ?? now.toISOString();
      const activity: Activity = {
        ...body,
        id: newId(new Date(occurredAt)),
        contactId: params.id,
        companyId: body.companyId ?? contact.companyId,
        occurredAt,
        authorId: ctx.userId,
        createdAt: now.toISOString(),
      };
      const newest = !contact.lastActivityAt || contact.lastActivityAt < occurredAt;
      const event = domainEvent(ctx.tenantId, 'activity.logged', {
        activityId: activity.id,
        contactId: activity.contactId,
        companyId: activity.companyId,
        type: activity.type,
        channel: activity.channel,
        direction: activity.direction,
        occurredAt,
      });
      try {
        await repo.log(ctx.tenantId, activity, newest, body.companyId !== undefined && body.companyId !== contact.companyId, event);
      } catch (error) {
        if (!(error instanceof ActivityWriteConflict)) throw error;
        if (error.reason === 'COMPANY') throw unprocessable('the company does not exist', { errors: { 'body.companyId': ['no company with this id'] } });
        // The contact vanished, or a newer activity landed meanwhile: the entry is still valid if the contact exists.
        if (!(await findContact(ctx.tenantId, params.id))) throw notFound('contact');
        await repo.log(ctx.tenantId, activity, false, false, event);
      }
      return activity;
    },

    async contactTimeline({ params, query }, ctx) {
      const page = await repo.contactTimeline(ctx.tenantId, params.id, query.limit, query.cursor);
      if (!page) throw notFound('contact');
      return page;
    },

    companyTimeline: ({ params, query }, ctx) => repo.companyTimeline(ctx.tenantId, params.id, query.limit, query.cursor),
  };
  return service;
};
