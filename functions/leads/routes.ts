import { listQuery, page } from '../../shared/domain/fields.ts';
import { publicRoute } from '../../shared/http/access.ts';
import type { Role } from '../../shared/http/route.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import {
  captureResponse,
  conversionResponse,
  convertBody,
  createFormBody,
  createLeadBody,
  formIdParams,
  formResponse,
  formSubmitBody,
  leadIdParams,
  leadResponse,
  listLeadsQuery,
  routingBody,
  routingResponse,
  scoringBody,
  scoringResponse,
  submitResponse,
  updateLeadBody,
} from './schemas.ts';

/** Sales and admins work leads; marketing captures them (imports, campaigns) and shapes forms and scoring; the rest read. */
const leadWriters: readonly Role[] = ['admin', 'sales'];
const leadCapturers: readonly Role[] = ['admin', 'sales', 'marketing'];
const leadReaders: readonly Role[] = ['admin', 'sales', 'marketing', 'analyst', 'support'];
const leadConfigurers: readonly Role[] = ['admin', 'marketing'];

const matched = 'the email or phone belongs to an existing lead or contact: matched names it and nothing is created';

export const leadRoutes = defineRoutes('leads', {
  createLead: {
    method: 'POST',
    path: '/leads',
    summary: 'Capture a lead; without an owner it goes round-robin to the routing team',
    roles: leadCapturers,
    body: createLeadBody,
    response: captureResponse,
    status: 201,
    location: '/leads/{id}',
    alsoAnswers: { 200: matched },
  },
  listLeads: {
    method: 'GET',
    path: '/leads',
    summary: "The leads in one status (status=), or an owner's leads (ownerId=, the caller by default), oldest first",
    roles: leadReaders,
    query: listLeadsQuery,
    response: page(leadResponse),
  },
  getLead: {
    method: 'GET',
    path: '/leads/{id}',
    summary: 'Get a lead, with its fit and behaviour score (decayed to now) and the reasons behind them',
    roles: leadReaders,
    params: leadIdParams,
    response: leadResponse,
  },
  updateLead: {
    method: 'PATCH',
    path: '/leads/{id}',
    summary: 'Change a lead: fields, owner (lead.assigned), status (disqualified needs disqualifiedReason) (If-Match)',
    roles: leadWriters,
    params: leadIdParams,
    body: updateLeadBody,
    response: leadResponse,
    conflict: 'the lead is converted, or another lead has the new email or phone',
  },
  convertLead: {
    method: 'POST',
    path: '/leads/{id}/convert',
    summary:
      'Convert a lead: one contact (an existing one with its email or phone is reused, only its empty fields filled), optionally a company (by domain) and a deal; a retry answers the same ids',
    roles: leadWriters,
    params: leadIdParams,
    body: convertBody,
    response: conversionResponse,
    status: 200,
    conflict: 'the lead changed while it was being converted',
    unprocessable: 'the company has neither name nor domain, or the deal names a pipeline that does not exist',
  },
  createForm: {
    method: 'POST',
    path: '/forms',
    summary: 'Create a web form: the fields it accepts, default owner and source, thank-you URL and rate limits',
    roles: leadConfigurers,
    body: createFormBody,
    response: formResponse,
    status: 201,
    location: { path: '/forms/{formId}', fields: { formId: 'id' } },
  },
  listForms: {
    method: 'GET',
    path: '/forms',
    summary: "The tenant's web forms, oldest first",
    roles: leadReaders,
    query: listQuery,
    response: page(formResponse),
  },
  getForm: {
    method: 'GET',
    path: '/forms/{formId}',
    summary: 'Get a web form',
    roles: leadReaders,
    params: formIdParams,
    response: formResponse,
  },
  submitForm: {
    method: 'POST',
    path: '/forms/{formId}/submit',
    summary:
      'Submit a web form (no login): JSON answers the lead made or matched; a browser form post is redirected (303) to the thank-you URL. Rate limited per form and per IP (429 with Retry-After)',
    roles: publicRoute,
    params: formIdParams,
    body: formSubmitBody,
    accepts: 'form',
    response: submitResponse,
    status: 200,
    alsoAnswers: { 303: "A browser form post: Location is the form's thank-you URL" },
  },
  getScoring: {
    method: 'GET',
    path: '/lead-scoring',
    summary: "The tenant's lead scoring rules (the defaults until saved)",
    roles: leadReaders,
    response: scoringResponse,
  },
  putScoring: {
    method: 'PUT',
    path: '/lead-scoring',
    summary:
      'Replace the scoring rules: fit rules on fields and attributes, points per behaviour, the half-life of behaviour points (If-Match)',
    roles: leadConfigurers,
    body: scoringBody,
    response: scoringResponse,
  },
  getRouting: {
    method: 'GET',
    path: '/lead-routing',
    summary: 'The team new leads without an owner go to, round-robin',
    roles: leadReaders,
    response: routingResponse,
  },
  putRouting: {
    method: 'PUT',
    path: '/lead-routing',
    summary: 'Replace the routing team (If-Match)',
    roles: leadWriters,
    body: routingBody,
    response: routingResponse,
  },
});
