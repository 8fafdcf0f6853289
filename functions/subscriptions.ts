import type { EventType } from '../shared/events/catalog.ts';
import { journeyEventTypes } from './journeys/event-types.ts';
import { slaEventTypes } from './sla/event-types.ts';

/**
 * Event subscriptions: which function receives which domain events from the
 * bus. CDK turns each into an EventBridge rule; the embedded runtime's local
 * bus matches the same patterns.
 */
export type Subscription = {
  /** Rule name suffix, unique. */
  name: string;
  /** Bounded context whose functions/<context>/subscriber.ts receives the events. */
  context: string;
} & (
  | {
      /** Domain events on Rapport's bus. */
      bus: 'rapport';
      pattern: { source: ['rapport']; 'detail-type': EventType[]; detail?: Record<string, unknown> };
    }
  | {
      /** AWS service events (SES engagement and bounces), which AWS publishes only on the account's default bus. */
      bus: 'default';
      pattern: { source: string[]; 'detail-type': string[]; detail?: Record<string, unknown> };
    }
);

export const subscriptions: Subscription[] = [
  {
    name: 'contact-orders',
    context: 'contacts',
    bus: 'rapport',
    pattern: { source: ['rapport'], 'detail-type': ['order.placed', 'order.cancelled', 'order.refunded', 'contact.deleted'] },
  },
  { name: 'timeline-cleanup', context: 'activities', bus: 'rapport', pattern: { source: ['rapport'], 'detail-type': ['contact.deleted'] } },
  { name: 'journeys', context: 'journeys', bus: 'rapport', pattern: { source: ['rapport'], 'detail-type': journeyEventTypes } },
  { name: 'survey-timeline', context: 'surveys', bus: 'rapport', pattern: { source: ['rapport'], 'detail-type': ['survey.responded'] } },
  { name: 'survey-cleanup', context: 'surveys', bus: 'rapport', pattern: { source: ['rapport'], 'detail-type': ['contact.deleted'] } },
  {
    name: 'lead-behaviour',
    context: 'leads',
    bus: 'rapport',
    pattern: { source: ['rapport'], 'detail-type': ['message.clicked', 'activity.logged'] },
  },
  { name: 'task-cleanup', context: 'tasks', bus: 'rapport', pattern: { source: ['rapport'], 'detail-type': ['contact.deleted'] } },
  {
    name: 'forecast-counters',
    context: 'forecast',
    bus: 'rapport',
    pattern: { source: ['rapport'], 'detail-type': ['deal.created', 'deal.updated', 'deal.deleted', 'deal.stage_changed'] },
  },
  { name: 'kb-deflection', context: 'knowledge', bus: 'rapport', pattern: { source: ['rapport'], 'detail-type': ['ticket.created'] } },
  {
    name: 'ticket-conversation',
    context: 'tickets',
    bus: 'rapport',
    pattern: { source: ['rapport'], 'detail-type': ['ticket.created', 'ticket.replied'] },
  },
  { name: 'ticket-sla', context: 'sla', bus: 'rapport', pattern: { source: ['rapport'], 'detail-type': [...slaEventTypes] } },
  {
    name: 'service-report-counters',
    context: 'service-reports',
    bus: 'rapport',
    pattern: {
      source: ['rapport'],
      'detail-type': [
        'ticket.created',
        'ticket.updated',
        'ticket.assigned',
        'ticket.replied',
        'ticket.status_changed',
        'ticket.reopened',
        'ticket.resolved',
        'ticket.sla_breached',
        'survey.responded',
      ],
    },
  },
  { name: 'quote-deal-won', context: 'deals', bus: 'rapport', pattern: { source: ['rapport'], 'detail-type': ['quote.accepted'] } },
  { name: 'quote-order', context: 'orders', bus: 'rapport', pattern: { source: ['rapport'], 'detail-type': ['quote.accepted'] } },
  {
    name: 'ticket-routing',
    context: 'routing',
    bus: 'rapport',
    pattern: {
      source: ['rapport'],
      'detail-type': ['ticket.created', 'ticket.assigned', 'ticket.status_changed', 'ticket.reopened', 'team.updated'],
    },
  },
  {
    name: 'ticket-team-change',
    context: 'routing',
    bus: 'rapport',
    pattern: { source: ['rapport'], 'detail-type': ['ticket.updated'], detail: { data: { changed: ['teamId'] } } },
  },
  {
    name: 'ses-feedback',
    context: 'messaging',
    bus: 'default',
    pattern: {
      source: ['aws.ses'],
      'detail-type': ['Email Delivered', 'Email Bounced', 'Email Complaint Received', 'Email Opened', 'Email Clicked'],
    },
  },
];
