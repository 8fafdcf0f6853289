import type { Route } from '../shared/http/route.ts';
import { activityRoutes } from './activities/routes.ts';
import { companyRoutes } from './companies/routes.ts';
import { contactRoutes } from './contacts/routes.ts';
import { dealRoutes } from './deals/routes.ts';
import { eventRoutes } from './events/routes.ts';
import { forecastRoutes } from './forecast/routes.ts';
import { intakeRoutes } from './intake/routes.ts';
import { journeyRoutes } from './journeys/routes.ts';
import { knowledgeRoutes } from './knowledge/routes.ts';
import { leadRoutes } from './leads/routes.ts';
import { messagingRoutes } from './messaging/routes.ts';
import { orderRoutes } from './orders/routes.ts';
import { platformRoutes } from './platform/routes.ts';
import { portalRoutes } from './portal/routes.ts';
import { productRoutes } from './products/routes.ts';
import { quoteRoutes } from './quotes/routes.ts';
import { routingRoutes } from './routing/routes.ts';
import { serviceReportRoutes } from './service-reports/routes.ts';
import { slaRoutes } from './sla/routes.ts';
import { surveyRoutes } from './surveys/routes.ts';
import { taskRoutes } from './tasks/routes.ts';
import { ticketRoutes } from './tickets/routes.ts';

/**
 * The route catalog: every HTTP route of the API. CDK creates one API Gateway
 * route per entry pointing at functions/<context>/handler.ts, and the embedded
 * gateway dispatches from the same list.
 */
export const routes: Route[] = [
  contactRoutes,
  companyRoutes,
  activityRoutes,
  eventRoutes,
  journeyRoutes,
  messagingRoutes,
  surveyRoutes,
  taskRoutes,
  dealRoutes,
  orderRoutes,
  forecastRoutes,
  productRoutes,
  quoteRoutes,
  leadRoutes,
  ticketRoutes,
  knowledgeRoutes,
  portalRoutes,
  slaRoutes,
  serviceReportRoutes,
  routingRoutes,
  platformRoutes,
  intakeRoutes,
].flatMap((r) => Object.values(r));

/** Contexts that own a Lambda function: one per bounded context. */
export const httpContexts = [...new Set(routes.map((r) => r.context))];
