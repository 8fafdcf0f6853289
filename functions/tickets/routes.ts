import { page } from '../../shared/domain/fields.ts';
import type { Role } from '../../shared/http/route.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import {
  contactIdParams,
  contactTicketsQuery,
  createTicketBody,
  listTicketsQuery,
  messageResponse,
  messagesQuery,
  replyBody,
  replyResponse,
  ticketIdParams,
  ticketResponse,
  ticketRulesBody,
  ticketRulesResponse,
  ticketSettingsBody,
  ticketSettingsResponse,
  updateTicketBody,
} from './schemas.ts';

/** Support and admins work tickets; sales reads the tickets of contacts it owns (others are 404 to it). */
const ticketWriters: readonly Role[] = ['admin', 'support'];
const ticketReaders: readonly Role[] = [...ticketWriters, 'sales'];

const onTicket = { path: '/tickets/{id}', fields: { id: 'ticketId' } };

export const ticketRoutes = defineRoutes('tickets', {
  createTicket: {
    method: 'POST',
    path: '/tickets',
    summary: 'Open a ticket for a contact (contactId), or for the holder of an email, found or created; classification rules apply',
    roles: ticketWriters,
    body: createTicketBody,
    response: ticketResponse,
    status: 201,
    location: '/tickets/{id}',
    unprocessable: 'the contact does not exist',
  },
  listTickets: {
    method: 'GET',
    path: '/tickets',
    summary: "Tickets by assigneeId, teamId or status (combinable), oldest first; without a filter, the caller's own",
    roles: ticketWriters,
    query: listTicketsQuery,
    response: page(ticketResponse),
  },
  getTicket: {
    method: 'GET',
    path: '/tickets/{id}',
    summary: 'Get a ticket with its SLA snapshot',
    roles: ticketReaders,
    params: ticketIdParams,
    response: ticketResponse,
  },
  updateTicket: {
    method: 'PATCH',
    path: '/tickets/{id}',
    summary: 'Change subject, status, priority, category, tags, team or assignee (If-Match); null clears category, team, assignee',
    roles: ticketWriters,
    params: ticketIdParams,
    body: updateTicketBody,
    response: ticketResponse,
    unprocessable: 'the status cannot move there from the current one (allowed names the moves)',
  },
  replyToTicket: {
    method: 'POST',
    path: '/tickets/{id}/replies',
    summary: "An agent's public reply: emailed to the customer with the reference in the subject; the first one sets firstResponseAt",
    roles: ticketWriters,
    params: ticketIdParams,
    body: replyBody,
    response: replyResponse,
    status: 201,
    location: onTicket,
  },
  addTicketNote: {
    method: 'POST',
    path: '/tickets/{id}/notes',
    summary: 'An internal note: in the conversation and on the timeline for staff, never sent to the customer',
    roles: ticketWriters,
    params: ticketIdParams,
    body: replyBody,
    response: replyResponse,
    status: 201,
    location: onTicket,
  },
  listTicketMessages: {
    method: 'GET',
    path: '/tickets/{id}/messages',
    summary: "A ticket's conversation, oldest first, internal notes included",
    roles: ticketReaders,
    params: ticketIdParams,
    query: messagesQuery,
    response: page(messageResponse),
  },
  listContactTickets: {
    method: 'GET',
    path: '/contacts/{id}/tickets',
    summary: "A contact's tickets, newest first",
    roles: ticketReaders,
    params: contactIdParams,
    query: contactTicketsQuery,
    response: page(ticketResponse),
  },
  getTicketRules: {
    method: 'GET',
    path: '/ticket-rules',
    summary: 'The classification rules in effect, in order (a new tenant has the complaint rule)',
    roles: ticketWriters,
    response: ticketRulesResponse,
  },
  putTicketRules: {
    method: 'PUT',
    path: '/ticket-rules',
    summary:
      'Replace the classification rules: each `when` is an EventBridge pattern over {ticket, contact}; `then` sets category, team, tags and raises priority',
    roles: ticketWriters,
    body: ticketRulesBody,
    response: ticketRulesResponse,
    conflict: 'they changed meanwhile and the request came without If-Match',
  },
  getTicketSettings: {
    method: 'GET',
    path: '/ticket-settings',
    summary: 'Ticket settings in effect (reopen window, 7 days by default)',
    roles: ticketWriters,
    response: ticketSettingsResponse,
  },
  putTicketSettings: {
    method: 'PUT',
    path: '/ticket-settings',
    summary: 'Replace the ticket settings',
    roles: ticketWriters,
    body: ticketSettingsBody,
    response: ticketSettingsResponse,
    conflict: 'they changed meanwhile and the request came without If-Match',
  },
});
