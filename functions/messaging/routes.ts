import { listQuery, page } from '../../shared/domain/fields.ts';
import { everyone, publicRoute } from '../../shared/http/access.ts';
import { defineRoutes, type Role } from '../../shared/http/route.ts';
import {
  createTemplateBody,
  messageResponse,
  messagesQuery,
  settingsBody,
  settingsResponse,
  suppressionBody,
  suppressionParams,
  suppressionResponse,
  suppressionsQuery,
  templateIdParams,
  templateResponse,
  templateVersionParams,
  templateVersionResponse,
  unsubscribeBody,
  unsubscribeParams,
  updateTemplateBody,
} from './schemas.ts';

/** Who shapes what the tenant sends: templates, suppression list, sending policy. */
const messagingEditors: readonly Role[] = ['admin', 'marketing'];

export const messagingRoutes = defineRoutes('messaging', {
  listMessages: {
    method: 'GET', path: '/messages', summary: "A contact's messages (the message log), newest first",
    roles: everyone, query: messagesQuery, response: page(messageResponse),
  },

  createTemplate: {
    method: 'POST', path: '/templates', summary: 'Create a Liquid template (email: subject, html, text; SMS: body); refused when it does not compile',
    roles: messagingEditors, body: createTemplateBody, response: templateResponse, status: 201, location: '/templates/{id}',
  },
  listTemplates: {
    method: 'GET', path: '/templates', summary: 'List templates', roles: messagingEditors, query: listQuery, response: page(templateResponse),
  },
  getTemplate: {
    method: 'GET', path: '/templates/{id}', summary: 'Get the latest version of a template', roles: messagingEditors, params: templateIdParams, response: templateResponse,
  },
  updateTemplate: {
    method: 'PUT', path: '/templates/{id}', summary: 'Replace a template’s content as its next version (earlier versions stay readable; If-Match for optimistic locking)',
    roles: messagingEditors, params: templateIdParams, body: updateTemplateBody, response: templateResponse, conflict: 'it changed meanwhile and the request came without If-Match',
  },
  getTemplateVersion: {
    method: 'GET', path: '/templates/{id}/versions/{version}', summary: 'Get one version of a template',
    roles: messagingEditors, params: templateVersionParams, response: templateVersionResponse,
  },
  deleteTemplate: {
    method: 'DELETE', path: '/templates/{id}', summary: 'Delete a template (sends pinned to one of its versions still render it); 409 naming the active or paused journeys that send it',
    roles: messagingEditors, params: templateIdParams, status: 204,
    conflict: 'an active or paused journey sends it (journeys names them), or it changed meanwhile and the request came without If-Match',
  },

  listSuppressions: {
    method: 'GET', path: '/suppressions', summary: 'The suppression list: addresses never sent to (hard bounces, complaints, manual)',
    roles: messagingEditors, query: suppressionsQuery, response: page(suppressionResponse),
  },
  addSuppression: {
    method: 'POST', path: '/suppressions', summary: 'Suppress an email address or phone number (200 with the existing entry when already listed)',
    roles: messagingEditors, body: suppressionBody, response: suppressionResponse, status: 201, location: '/suppressions/{channel}/{address}',
    alsoAnswers: { 200: 'The address was already listed: the existing entry' },
  },
  getSuppression: {
    method: 'GET', path: '/suppressions/{channel}/{address}', summary: 'One entry of the suppression list',
    roles: messagingEditors, params: suppressionParams, response: suppressionResponse,
  },
  removeSuppression: {
    method: 'DELETE', path: '/suppressions/{channel}/{address}', summary: 'Take an address off the suppression list',
    roles: messagingEditors, params: suppressionParams, status: 204, ifMatch: false,
  },

  getMessagingSettings: {
    method: 'GET', path: '/messaging/settings', summary: 'Sender, quiet hours and frequency caps in effect', roles: messagingEditors, response: settingsResponse,
  },
  updateMessagingSettings: {
    method: 'PUT', path: '/messaging/settings', summary: 'Replace the sender, quiet hours and frequency caps (fields left out take the defaults)',
    roles: messagingEditors, body: settingsBody, response: settingsResponse, conflict: 'it changed meanwhile and the request came without If-Match',
  },

  showPreferences: {
    method: 'GET', path: '/unsubscribe/{token}', summary: 'Preference page reached from a signed link in a message (HTML)',
    roles: publicRoute, params: unsubscribeParams, produces: 'text/html',
  },
  changePreferences: {
    method: 'POST', path: '/unsubscribe/{token}', summary: 'Save the preference form, or RFC 8058 one-click unsubscribe (List-Unsubscribe=One-Click)',
    roles: publicRoute, params: unsubscribeParams, body: unsubscribeBody, accepts: 'form', produces: 'text/html', status: 200,
  },
});
