import { listQuery, page } from '../../shared/domain/fields.ts';
import { defineRoutes, type Role } from '../../shared/http/route.ts';
import {
  installBody,
  journeyBody,
  journeyIdParams,
  journeyResponse,
  journeyVersionResponse,
  simulateBody,
  simulateResponse,
  statsResponse,
  templateListResponse,
  templateParams,
  versionParams,
} from './schemas.ts';

const editors: readonly Role[] = ['admin', 'marketing'];
const readers: readonly Role[] = ['admin', 'marketing', 'analyst'];

export const journeyRoutes = defineRoutes('journeys', {
  createJourney: {
    method: 'POST', path: '/journeys', summary: 'Create a journey (a draft); an invalid one is refused naming the step',
    roles: editors, body: journeyBody, response: journeyResponse, status: 201, location: '/journeys/{id}',
  },
  listJourneys: { method: 'GET', path: '/journeys', summary: 'List journeys', roles: readers, query: listQuery, response: page(journeyResponse) },
  getJourney: { method: 'GET', path: '/journeys/{id}', summary: 'Get a journey (its current version)', roles: readers, params: journeyIdParams, response: journeyResponse },
  updateJourney: {
    method: 'PUT', path: '/journeys/{id}', summary: 'Replace the definition: makes a new version; runs already enrolled finish on theirs (If-Match for optimistic locking)',
    roles: editors, params: journeyIdParams, body: journeyBody, response: journeyResponse, conflict: 'the journey is archived, or changed meanwhile',
  },
  deleteJourney: {
    method: 'DELETE', path: '/journeys/{id}', summary: 'Delete a draft (409 once it was activated: archive it instead)', roles: editors, params: journeyIdParams, status: 204, conflict: 'the journey was activated once, or changed meanwhile',
  },
  activateJourney: {
    method: 'POST', path: '/journeys/{id}/activate', summary: 'Start enrolling contacts (from draft or paused)',
    roles: editors, params: journeyIdParams, response: journeyResponse, status: 200, conflict: 'the journey is not in a state that allows this',
  },
  pauseJourney: {
    method: 'POST', path: '/journeys/{id}/pause', summary: 'Stop enrolling contacts; runs already enrolled go on',
    roles: editors, params: journeyIdParams, response: journeyResponse, status: 200, conflict: 'the journey is not in a state that allows this',
  },
  archiveJourney: {
    method: 'POST', path: '/journeys/{id}/archive', summary: 'Stop enrolling for good; runs already enrolled go on, the journey becomes read-only',
    roles: editors, params: journeyIdParams, response: journeyResponse, status: 200, conflict: 'the journey is not in a state that allows this',
  },
  getJourneyVersion: {
    method: 'GET', path: '/journeys/{id}/versions/{version}', summary: 'A stored version of a journey', roles: readers, params: versionParams, response: journeyVersionResponse,
  },
  simulateJourney: {
    method: 'POST', path: '/journeys/{id}/simulate',
    summary: 'Dry run: play a contact and a sequence of events through the journey on a simulated clock; returns the path, each send with what the messaging policy would do under the tenant’s quiet hours, caps and suppression list, and why steps were skipped. Sends and writes nothing.',
    roles: editors, params: journeyIdParams, body: simulateBody, response: simulateResponse, status: 200,
  },
  journeyStats: {
    method: 'GET', path: '/journeys/{id}/stats', summary: 'Per journey and step: entered, in progress, completed, exited by goal, messages sent/failed/skipped/deferred',
    roles: readers, params: journeyIdParams, response: statsResponse,
  },
  listJourneyTemplates: {
    method: 'GET', path: '/journeys/templates', summary: 'The built-in journey templates and the messages each needs', roles: readers, response: templateListResponse,
  },
  installJourneyTemplate: {
    method: 'POST', path: '/journeys/templates/{name}/install',
    summary: 'Install a built-in journey as an editable draft (once per tenant; 409 with the existing id); its messages use the given template ids or starter templates created in messaging',
    roles: editors, params: templateParams, body: installBody, response: journeyResponse, status: 201, location: '/journeys/{id}',
    conflict: 'the template is already installed (existingId names the journey)',
  },
});
