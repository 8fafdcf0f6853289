import { listQuery, page } from '../../shared/domain/fields.ts';
import type { Role } from '../../shared/http/route.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import {
  calendarBody,
  calendarIdParams,
  calendarResponse,
  policyBody,
  policyIdParams,
  policyListResponse,
  policyOrderBody,
  policyOrderResponse,
  policyResponse,
} from './schemas.ts';

/** Admins shape service levels; support reads them (the due times on its tickets come from them). */
const writers: readonly Role[] = ['admin'];
const readers: readonly Role[] = ['admin', 'support'];

const calendarRefs = 'a target names a calendar that does not exist';

export const slaRoutes = defineRoutes('sla', {
  createCalendar: {
    method: 'POST',
    path: '/calendars',
    summary: 'Create a business-hours calendar: IANA time zone, open intervals per weekday (split shifts), holidays and half days',
    roles: writers,
    body: calendarBody,
    response: calendarResponse,
    status: 201,
    location: '/calendars/{id}',
  },
  listCalendars: {
    method: 'GET',
    path: '/calendars',
    summary: "The tenant's business-hours calendars, oldest first",
    roles: readers,
    query: listQuery,
    response: page(calendarResponse),
  },
  getCalendar: {
    method: 'GET',
    path: '/calendars/{id}',
    summary: 'Get a business-hours calendar',
    roles: readers,
    params: calendarIdParams,
    response: calendarResponse,
  },
  updateCalendar: {
    method: 'PUT',
    path: '/calendars/{id}',
    summary: 'Replace a calendar (If-Match); tickets already running keep their due times until their next change',
    roles: writers,
    params: calendarIdParams,
    body: calendarBody,
    response: calendarResponse,
  },
  deleteCalendar: {
    method: 'DELETE',
    path: '/calendars/{id}',
    summary: 'Delete a calendar no policy names (If-Match)',
    roles: writers,
    params: calendarIdParams,
    status: 204,
    conflict: 'a policy still names the calendar (policies lists them)',
  },
  createPolicy: {
    method: 'POST',
    path: '/sla-policies',
    summary:
      'Create an SLA policy: conditions (EventBridge pattern over priority, category, channel, tier, tags), targets, warning share and escalation ladder; it is tried after the others',
    roles: writers,
    body: policyBody,
    response: policyResponse,
    status: 201,
    location: '/sla-policies/{id}',
    conflict: 'the tenant has the most policies it may have (50)',
    unprocessable: calendarRefs,
  },
  listPolicies: {
    method: 'GET',
    path: '/sla-policies',
    summary: "The tenant's SLA policies in the order tickets are matched, the default one last (one Query)",
    roles: readers,
    response: policyListResponse,
  },
  getPolicyOrder: {
    method: 'GET',
    path: '/sla-policies/order',
    summary: 'The order policies are tried in (the default one, always last, not listed)',
    roles: readers,
    response: policyOrderResponse,
  },
  putPolicyOrder: {
    method: 'PUT',
    path: '/sla-policies/order',
    summary: 'Reorder the policies (If-Match): ids names every policy but the default one, once',
    roles: writers,
    body: policyOrderBody,
    response: policyOrderResponse,
    unprocessable: 'ids leaves out a policy, or names one that does not exist or the default one',
  },
  getPolicy: {
    method: 'GET',
    path: '/sla-policies/{id}',
    summary: 'Get an SLA policy',
    roles: readers,
    params: policyIdParams,
    response: policyResponse,
  },
  updatePolicy: {
    method: 'PUT',
    path: '/sla-policies/{id}',
    summary: 'Replace an SLA policy (If-Match); the default one takes no conditions. Tickets pick it up at their next change',
    roles: writers,
    params: policyIdParams,
    body: policyBody,
    response: policyResponse,
    unprocessable: `${calendarRefs}, or conditions on the default policy`,
  },
  deletePolicy: {
    method: 'DELETE',
    path: '/sla-policies/{id}',
    summary: 'Delete an SLA policy (If-Match); its tickets move to the next matching one at their next change',
    roles: writers,
    params: policyIdParams,
    status: 204,
    conflict: 'the default policy cannot be deleted',
  },
});
