import { httpHandler } from '../../shared/http/handler.ts';
import { forecastRepository } from './repository.ts';
import { forecastRoutes } from './routes.ts';
import { forecastService } from './service.ts';
import { liveDeals } from './sources.ts';

export const handler = httpHandler(forecastRoutes, forecastService(forecastRepository, liveDeals));
