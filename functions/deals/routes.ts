import { page } from '../../shared/domain/fields.ts';
import type { Role } from '../../shared/http/route.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import {
  createDealBody,
  createPipelineBody,
  dealIdParams,
  dealResponse,
  listDealsQuery,
  listPipelinesQuery,
  pipelineIdParams,
  pipelineResponse,
  stageChangeResponse,
  stageHistoryQuery,
  updateDealBody,
  updatePipelineBody,
} from './schemas.ts';

/** Sales and admins work deals and shape pipelines; analysts and support read them. */
const dealWriters: readonly Role[] = ['admin', 'sales'];
const dealReaders: readonly Role[] = [...dealWriters, 'analyst', 'support'];

const dealRules =
  'a stage it enters lacks required fields (errors names them), a lost stage without lostReason, or a contact, company, pipeline or stage that does not exist';

export const dealRoutes = defineRoutes('deals', {
  createPipeline: {
    method: 'POST',
    path: '/pipelines',
    summary: 'Create a pipeline: ordered stages with probability, forecast category, kind (open, won, lost) and required fields',
    roles: dealWriters,
    body: createPipelineBody,
    response: pipelineResponse,
    status: 201,
    location: '/pipelines/{id}',
  },
  listPipelines: {
    method: 'GET',
    path: '/pipelines',
    summary: "The tenant's pipelines, the default one first (created on first use)",
    roles: dealReaders,
    query: listPipelinesQuery,
    response: page(pipelineResponse),
  },
  getPipeline: {
    method: 'GET',
    path: '/pipelines/{id}',
    summary: 'Get a pipeline',
    roles: dealReaders,
    params: pipelineIdParams,
    response: pipelineResponse,
  },
  updatePipeline: {
    method: 'PUT',
    path: '/pipelines/{id}',
    summary: 'Replace the name and stages of a pipeline; deals of a removed stage move to the stage moveDealsTo names (If-Match)',
    roles: dealWriters,
    params: pipelineIdParams,
    body: updatePipelineBody,
    response: pipelineResponse,
    conflict:
      'a removed stage still holds deals and moveDealsTo does not say where they go, or a stage holding deals changes kind (stagesInUse names them)',
    unprocessable: 'moveDealsTo names a stage the pipeline keeps, or a target that is not an open stage of it',
  },
  createDeal: {
    method: 'POST',
    path: '/deals',
    summary: 'Create a deal, in the first open stage of its pipeline (the default one) unless stageId names another',
    roles: dealWriters,
    body: createDealBody,
    response: dealResponse,
    status: 201,
    location: '/deals/{id}',
    unprocessable: dealRules,
  },
  listDeals: {
    method: 'GET',
    path: '/deals',
    summary: "A board column (pipelineId and stageId) or an owner's deals (ownerId, the caller by default), oldest first",
    roles: dealReaders,
    query: listDealsQuery,
    response: page(dealResponse),
  },
  getDeal: {
    method: 'GET',
    path: '/deals/{id}',
    summary: 'Get a deal',
    roles: dealReaders,
    params: dealIdParams,
    response: dealResponse,
  },
  updateDeal: {
    method: 'PATCH',
    path: '/deals/{id}',
    summary: 'Change a deal; a new stageId (and pipelineId) moves it, with history and deal.stage_changed (If-Match)',
    roles: dealWriters,
    params: dealIdParams,
    body: updateDealBody,
    response: dealResponse,
    unprocessable: dealRules,
  },
  deleteDeal: {
    method: 'DELETE',
    path: '/deals/{id}',
    summary: 'Delete a deal and its history',
    roles: dealWriters,
    params: dealIdParams,
    status: 204,
  },
  dealStageHistory: {
    method: 'GET',
    path: '/deals/{id}/stage-history',
    summary: "A deal's stage changes, oldest first: from, to, when, by whom and the time spent in the previous stage",
    roles: dealReaders,
    params: dealIdParams,
    query: stageHistoryQuery,
    response: page(stageChangeResponse),
  },
});
