import { notFound } from '../../shared/errors.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import type { ActivityRepository } from './repository.ts';
import type { activityRoutes } from './routes.ts';
import { type ContactLookup, recordActivity } from './timeline.ts';

export const activityService = (repo: ActivityRepository, findContact: ContactLookup) => {
  const service: ServiceFor<typeof activityRoutes, RequestContext> = {
    logActivity: ({ params, body }, ctx) => recordActivity(repo, findContact, ctx.tenantId, params.id, body, ctx.userId),

    async getActivity({ params }, ctx) {
      const activity = await repo.get(ctx.tenantId, params.id, params.activityId);
      if (!activity) throw notFound('activity');
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
