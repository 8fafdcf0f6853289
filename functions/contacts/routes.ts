import * as z from 'zod';
import { email, id, listQuery, page } from '../../shared/domain/fields.ts';
import { customerDataAdmins, customerDataWriters, everyone } from '../../shared/http/access.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import {
  batchCreateBody,
  batchResult,
  contactIdParams,
  contactResponse,
  contactSettingsBody,
  contactSettingsResponse,
  contactWriteResponse,
  createContactBody,
  deletionsPage,
  deletionsQuery,
  searchQuery,
  updateContactBody,
  upsertContactBody,
} from './schemas.ts';

export const contactRoutes = defineRoutes('contacts', {
  createContact: {
    method: 'POST', path: '/contacts', summary: 'Create a contact (409 with the existing id when the email or phone is taken)',
    roles: customerDataWriters, body: createContactBody, response: contactWriteResponse, status: 201, location: '/contacts/{id}',
    conflict: 'the email or phone belongs to another contact', unprocessable: 'companyId names no company',
  },
  batchCreateContacts: {
    method: 'POST', path: '/contacts/batch', summary: 'Create up to 100 contacts, with a result per item',
    roles: customerDataWriters, body: batchCreateBody, response: batchResult, status: 200,
  },
  listContacts: {
    method: 'GET', path: '/contacts', summary: 'List contacts, search them (q, tag) or filter them (companyId, ownerId, lifecycleStage, updatedSince)',
    roles: everyone, query: searchQuery, response: page(contactResponse),
  },
  listDeletedContacts: {
    method: 'GET', path: '/contacts/deleted', summary: 'Contacts deleted since a time, oldest first (kept 30 days), for incremental sync',
    roles: everyone, query: deletionsQuery, response: deletionsPage,
  },
  getContactSettings: {
    method: 'GET', path: '/contacts/settings', summary: 'Contact settings (the default region of national phone numbers)',
    roles: everyone, response: contactSettingsResponse,
  },
  updateContactSettings: {
    method: 'PUT', path: '/contacts/settings', summary: 'Replace the contact settings', roles: ['admin'], body: contactSettingsBody, response: contactSettingsResponse,
  },
  getContact: {
    method: 'GET', path: '/contacts/{id}', summary: 'Get a contact', roles: everyone, params: contactIdParams, response: contactResponse,
  },
  updateContact: {
    method: 'PATCH', path: '/contacts/{id}', summary: 'Change some fields of a contact (If-Match for optimistic locking)',
    roles: customerDataWriters, params: contactIdParams, body: updateContactBody, response: contactWriteResponse,
    conflict: 'the email or phone belongs to another contact', unprocessable: 'companyId names no company',
  },
  deleteContact: {
    method: 'DELETE', path: '/contacts/{id}', summary: 'Delete a contact', roles: customerDataAdmins, params: contactIdParams, status: 204,
  },
  upsertContactByEmail: {
    method: 'PUT', path: '/contacts/by-email/{email}', summary: 'Create or update the contact with this email (201 or 200)',
    roles: customerDataWriters, params: z.strictObject({ email }), body: upsertContactBody, response: contactWriteResponse, location: '/contacts/{id}',
    alsoAnswers: { 201: 'Created: no contact had this email' }, conflict: 'the phone belongs to another contact', unprocessable: 'companyId names no company',
  },
  upsertContactByExternalId: {
    method: 'PUT', path: '/contacts/by-external-id/{externalId}', summary: 'Create or update the contact with this external id (201 or 200)',
    roles: customerDataWriters, params: z.strictObject({ externalId: z.string().min(1).max(128).regex(/^[^#]+$/) }), body: upsertContactBody, response: contactWriteResponse,
    location: '/contacts/{id}',
    alsoAnswers: { 201: 'Created: no contact had this external id' }, conflict: 'the email or phone belongs to another contact', unprocessable: 'companyId names no company',
  },
  listCompanyContacts: {
    method: 'GET', path: '/companies/{id}/contacts', summary: "List a company's contacts",
    roles: everyone, params: z.strictObject({ id }), query: listQuery, response: page(contactResponse),
  },
});
