import { activityEntities } from './activities/items.ts';
import { companyEntities } from './companies/items.ts';
import { contactEntities } from './contacts/items.ts';
import { dealEntities } from './deals/items.ts';
import { eventEntities } from './events/items.ts';
import { forecastEntities } from './forecast/items.ts';
import { intakeEntities } from './intake/items.ts';
import { journeyEntities } from './journeys/items.ts';
import { knowledgeEntities } from './knowledge/items.ts';
import { leadEntities } from './leads/items.ts';
import { messagingEntities } from './messaging/items.ts';
import { orderEntities } from './orders/items.ts';
import { portalEntities } from './portal/items.ts';
import { productEntities } from './products/items.ts';
import { quoteEntities } from './quotes/items.ts';
import { routingEntities } from './routing/items.ts';
import { serviceReportEntities } from './service-reports/items.ts';
import { slaEntities } from './sla/items.ts';
import { surveyEntities } from './surveys/items.ts';
import { taskEntities } from './tasks/items.ts';
import { ticketEntities } from './tickets/items.ts';

/**
 * Every entity name stored in the table, by the context that owns it: one
 * line per context. The `entity` attribute of every item is one of these; the
 * kernel's own items (outbox, idempotency) are declared in shared/db/keys.ts.
 */
export const entityCatalog = {
  contacts: contactEntities,
  companies: companyEntities,
  activities: activityEntities,
  events: eventEntities,
  surveys: surveyEntities,
  tasks: taskEntities,
  messaging: messagingEntities,
  deals: dealEntities,
  orders: orderEntities,
  forecast: forecastEntities,
  products: productEntities,
  quotes: quoteEntities,
  leads: leadEntities,
  journeys: journeyEntities,
  tickets: ticketEntities,
  knowledge: knowledgeEntities,
  portal: portalEntities,
  sla: slaEntities,
  'service-reports': serviceReportEntities,
  intake: intakeEntities,
  routing: routingEntities,
} as const satisfies Record<string, Record<string, string>>;
