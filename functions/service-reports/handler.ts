import { httpHandler } from '../../shared/http/handler.ts';
import { serviceReportRepository } from './repository.ts';
import { serviceReportRoutes } from './routes.ts';
import { serviceReportsService } from './service.ts';

export const handler = httpHandler(serviceReportRoutes, serviceReportsService(serviceReportRepository));
