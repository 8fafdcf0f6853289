import { listQuery, page } from '../../shared/domain/fields.ts';
import { publicRoute } from '../../shared/http/access.ts';
import type { Role } from '../../shared/http/route.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import {
  createdIntegrationResponse,
  createIntegrationBody,
  createTicketFormBody,
  ingestBody,
  ingestResponse,
  integrationIdParams,
  integrationResponse,
  ticketFormIdParams,
  ticketFormResponse,
  ticketFormSubmitBody,
  ticketFormSubmitResponse,
} from './schemas.ts';

/** Admins connect channels and shape forms; support sees what is connected. */
const intakeAdmins: readonly Role[] = ['admin'];
const intakeReaders: readonly Role[] = ['admin', 'support'];

export const intakeRoutes = defineRoutes('intake', {
  createIntegration: {
    method: 'POST',
    path: '/ticket-integrations',
    summary: 'Connect a chat, phone or social integration: answers its id and, this once, the secret its ingest requests are signed with',
    roles: intakeAdmins,
    body: createIntegrationBody,
    response: createdIntegrationResponse,
    status: 201,
    location: { path: '/ticket-integrations/{integrationId}', fields: { integrationId: 'id' } },
  },
  listIntegrations: {
    method: 'GET',
    path: '/ticket-integrations',
    summary: "The tenant's integrations, oldest first (without secrets)",
    roles: intakeReaders,
    query: listQuery,
    response: page(integrationResponse),
  },
  getIntegration: {
    method: 'GET',
    path: '/ticket-integrations/{integrationId}',
    summary: 'Get an integration (without its secret)',
    roles: intakeReaders,
    params: integrationIdParams,
    response: integrationResponse,
  },
  deleteIntegration: {
    method: 'DELETE',
    path: '/ticket-integrations/{integrationId}',
    summary: 'Disconnect an integration: its secret stops working at once (If-Match)',
    roles: intakeAdmins,
    params: integrationIdParams,
    status: 204,
  },
  ingestMessage: {
    method: 'POST',
    path: '/tickets/ingest',
    summary:
      'A message from a chat, phone or social integration (no login): signed with the integration secret, X-Rapport-Integration: <id>, X-Rapport-Timestamp: <Unix seconds, within 5 minutes>, X-Rapport-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">, else 401. Opens a ticket, or replies on the ticket of its threadId; a repeated sourceMessageId answers what the first made',
    roles: publicRoute,
    body: ingestBody,
    response: ingestResponse,
    status: 200,
    unauthorized: 'the integration is unknown, the timestamp is more than 5 minutes off, or the signature does not match',
  },
  createTicketForm: {
    method: 'POST',
    path: '/ticket-forms',
    summary: 'Create a public ticket form: its thank-you URL, the priority, category, tags and team of its tickets, and rate limits',
    roles: intakeAdmins,
    body: createTicketFormBody,
    response: ticketFormResponse,
    status: 201,
    location: { path: '/ticket-forms/{formId}', fields: { formId: 'id' } },
  },
  listTicketForms: {
    method: 'GET',
    path: '/ticket-forms',
    summary: "The tenant's ticket forms, oldest first",
    roles: intakeReaders,
    query: listQuery,
    response: page(ticketFormResponse),
  },
  getTicketForm: {
    method: 'GET',
    path: '/ticket-forms/{formId}',
    summary: 'Get a ticket form',
    roles: intakeReaders,
    params: ticketFormIdParams,
    response: ticketFormResponse,
  },
  submitTicketForm: {
    method: 'POST',
    path: '/ticket-forms/{formId}/submit',
    summary:
      'Submit a ticket form (no login): email, name, phone, subject, message. JSON answers the ticket; a browser form post is redirected (303) to the thank-you URL. Rate limited per form and per IP (429 with Retry-After)',
    roles: publicRoute,
    params: ticketFormIdParams,
    body: ticketFormSubmitBody,
    accepts: 'form',
    response: ticketFormSubmitResponse,
    status: 200,
    alsoAnswers: { 303: "A browser form post: Location is the form's thank-you URL" },
  },
});
