import type { Role } from '../../shared/http/route.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import { serviceReportQuery, serviceReportResponse } from './schemas.ts';

/** Analysts read reports; support and admins see their desk's figures. */
const reportReaders: readonly Role[] = ['analyst', 'admin', 'support'];

export const serviceReportRoutes = defineRoutes('service-reports', {
  serviceReport: {
    method: 'GET',
    path: '/reports/service',
    summary:
      'Per day (and team): tickets created, resolved and reopened, backlog by status and priority at the day’s end, first-response and resolution median and p90, SLA attainment per target, CSAT — from counters, 31 days a page',
    roles: reportReaders,
    query: serviceReportQuery,
    response: serviceReportResponse,
  },
});
