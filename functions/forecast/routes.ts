import { page } from '../../shared/domain/fields.ts';
import type { Role } from '../../shared/http/route.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import {
  adjustmentBody,
  adjustmentResponse,
  forecastQuery,
  forecastResponse,
  historyQuery,
  ownerPeriodParams,
  pipelineReportQuery,
  pipelineReportResponse,
  quotaBody,
  quotaResponse,
  snapshotResponse,
} from './schemas.ts';

/** Sales and admins set adjustments and quotas; analysts read forecasts and reports with them. */
const forecastWriters: readonly Role[] = ['admin', 'sales'];
const forecastReaders: readonly Role[] = [...forecastWriters, 'analyst'];

export const forecastRoutes = defineRoutes('forecast', {
  getForecast: {
    method: 'GET',
    path: '/forecast',
    summary:
      'A period’s forecast (deals by closeDate), of one owner or all: per forecast category deals, amount and weighted amount per currency, closed-won, adjustments, quotas and attainment',
    roles: forecastReaders,
    query: forecastQuery,
    response: forecastResponse,
  },
  putAdjustment: {
    method: 'PUT',
    path: '/forecast/adjustments/{period}/{ownerId}',
    summary: 'Set the manager’s adjustment of an owner’s forecast for a period, kept apart from the computed figures (If-Match)',
    roles: forecastWriters,
    params: ownerPeriodParams,
    body: adjustmentBody,
    response: adjustmentResponse,
  },
  putQuota: {
    method: 'PUT',
    path: '/forecast/quotas/{period}/{ownerId}',
    summary: 'Set an owner’s quota for a period (If-Match)',
    roles: forecastWriters,
    params: ownerPeriodParams,
    body: quotaBody,
    response: quotaResponse,
  },
  forecastHistory: {
    method: 'GET',
    path: '/forecast/history',
    summary: 'The weekly snapshots of a period’s forecast, oldest first, each with its movement since the week before',
    roles: forecastReaders,
    query: historyQuery,
    response: page(snapshotResponse),
  },
  pipelineReport: {
    method: 'GET',
    path: '/reports/pipeline',
    summary:
      'Per stage of a pipeline: deals now in it and their amounts, average age, conversion rate to a later stage, win rate and average time in stage',
    roles: forecastReaders,
    query: pipelineReportQuery,
    response: pipelineReportResponse,
    notFound: 'pipelineId names no pipeline of the tenant',
  },
});
