import * as z from 'zod';
import { id, listQuery, page } from '../../shared/domain/fields.ts';
import { customerDataWriters, everyone } from '../../shared/http/access.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import { activityResponse, logActivityBody } from './schemas.ts';

const byId = z.strictObject({ id });
const entryParams = z.strictObject({ id, activityId: id });

export const activityRoutes = defineRoutes('activities', {
  logActivity: {
    method: 'POST',
    path: '/contacts/{id}/activities',
    summary: "Log a call, email, meeting, note or message on a contact's timeline",
    roles: customerDataWriters,
    params: byId,
    body: logActivityBody,
    response: activityResponse,
    status: 201,
    unprocessable: 'companyId names no company',
    location: { path: '/contacts/{id}/activities/{activityId}', fields: { id: 'contactId', activityId: 'id' } },
  },
  getActivity: {
    method: 'GET',
    path: '/contacts/{id}/activities/{activityId}',
    summary: "One entry of a contact's timeline",
    roles: everyone,
    params: entryParams,
    response: activityResponse,
  },
  contactTimeline: {
    method: 'GET',
    path: '/contacts/{id}/activities',
    summary: "A contact's timeline, newest first",
    roles: everyone,
    params: byId,
    query: listQuery,
    response: page(activityResponse),
  },
  companyTimeline: {
    method: 'GET',
    path: '/companies/{id}/activities',
    summary: "A company's timeline, newest first",
    roles: everyone,
    params: byId,
    query: listQuery,
    response: page(activityResponse),
  },
});
