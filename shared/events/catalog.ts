import * as z from 'zod';

/**
 * Every domain event: a past-tense fact with a versioned data schema. The relay
 * publishes them to the bus as detail-type = type, source = eventSource.
 */
export const eventSource = 'rapport';

const contactData = z.object({
  contactId: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  lifecycleStage: z.string(),
  ownerId: z.string().optional(),
  companyId: z.string().optional(),
  tags: z.array(z.string()),
  consent: z.record(z.string(), z.record(z.string(), z.object({ granted: z.boolean() }).loose())),
});

const companyData = z.object({ companyId: z.string(), name: z.string(), domain: z.string().optional() });

/** An amount in integer minor units (cents) of an ISO 4217 currency. */
export const money = z.strictObject({ amount: z.number().int(), currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR') });

const messageRef = z.object({
  messageId: z.string(),
  contactId: z.string(),
  channel: z.enum(['email', 'sms']),
  journeyId: z.string().optional(),
  runId: z.string().optional(),
});

const templateData = z.object({ templateId: z.string(), name: z.string(), channel: z.enum(['email', 'sms']), version: z.number().int() });

const suppressionData = z.object({ channel: z.enum(['email', 'sms']), address: z.string() });

const taskData = z.object({
  taskId: z.string(),
  contactId: z.string(),
  ownerId: z.string(),
  title: z.string(),
  dueAt: z.string(),
  status: z.string(),
  journeyId: z.string().optional(),
});

const pipelineData = z.object({ pipelineId: z.string(), name: z.string(), stageIds: z.array(z.string()) });

const dealData = z.object({
  dealId: z.string(),
  name: z.string(),
  pipelineId: z.string(),
  stageId: z.string(),
  status: z.enum(['open', 'won', 'lost']),
  ownerId: z.string(),
  contactIds: z.array(z.string()),
  companyId: z.string().optional(),
  amount: money.optional(),
  closeDate: z.string().optional(),
});
/** An order Rapport keeps changed status (orders context). */
const orderData = z.object({
  orderId: z.string(),
  contactId: z.string(),
  companyId: z.string().optional(),
  dealId: z.string().optional(),
  status: z.enum(['pending', 'paid', 'fulfilled', 'cancelled', 'refunded', 'partially_refunded']),
  total: money,
});
const productData = z.object({
  productId: z.string(),
  sku: z.string(),
  name: z.string(),
  taxRateBp: z.number().int(),
  active: z.boolean(),
});
const priceBookData = z.object({
  priceBookId: z.string(),
  name: z.string(),
  isDefault: z.boolean(),
  active: z.boolean(),
  prices: z.number().int(),
});
const quoteData = z.object({
  quoteId: z.string(),
  dealId: z.string(),
  number: z.number().int(),
  status: z.enum(['draft', 'sent', 'accepted', 'declined', 'expired']),
  total: money,
  /** What acceptance sets off (the deals and orders subscribers act on quote.accepted). */
  winDealOnAccept: z.boolean().optional(),
  createOrderOnAccept: z.boolean().optional(),
  validUntil: z.string().optional(),
});

/** A journey's definition or status changed; `changed` names the fields (definition fields, `status`). */
const leadData = z.object({
  leadId: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  source: z.string(),
  status: z.string(),
  ownerId: z.string().optional(),
  formId: z.string().optional(),
});

/** Ticket vocabularies, shared by the ticket events and the service contexts (tickets, routing, SLA, portal, reports). */
export const ticketChannels = ['api', 'email', 'portal', 'web', 'chat', 'phone', 'social'] as const;
export const ticketStatuses = ['new', 'open', 'pending_customer', 'on_hold', 'resolved', 'closed'] as const;
export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export const slaTargets = ['firstResponse', 'nextResponse', 'resolution'] as const;

/** What every ticket event says of the ticket as it is after the change. */
const ticketData = z.object({
  ticketId: z.string(),
  contactId: z.string(),
  reference: z.string(),
  channel: z.enum(ticketChannels),
  status: z.enum(ticketStatuses),
  priority: z.enum(ticketPriorities),
  category: z.string().optional(),
  teamId: z.string().optional(),
  assigneeId: z.string().optional(),
  tags: z.array(z.string()),
  subject: z.string(),
});
const slaData = ticketData.extend({
  target: z.enum(slaTargets),
  policyId: z.string(),
  dueAt: z.string(),
  /** Business (or calendar, per the policy) minutes past due when breached; 0 on a warning. */
  overdueMinutes: z.number().int(),
});

/** A knowledge base category, and an article as its head says after the change. */
const kbCategoryData = z.object({ categoryId: z.string(), name: z.string() });
const kbArticleData = z.object({
  articleId: z.string(),
  locale: z.string(),
  slug: z.string(),
  title: z.string(),
  status: z.enum(['draft', 'published', 'archived']),
  categoryId: z.string().optional(),
  tags: z.array(z.string()),
  draftNumber: z.number().int().optional(),
  publishedNumber: z.number().int().optional(),
});
/** A routing team changed (routing context); `memberIds` lists its members, active or not. */
const teamData = z.object({ teamId: z.string(), name: z.string(), mode: z.string(), memberIds: z.array(z.string()) });

const journeyData = z.object({ journeyId: z.string(), name: z.string(), version: z.number().int(), status: z.string() });
const journeyChange = journeyData.extend({ changed: z.array(z.string()) });

export const eventCatalog = {
  'contact.created': { version: 1, data: contactData },
  'contact.updated': { version: 1, data: contactData.extend({ changed: z.array(z.string()) }) },
  'contact.deleted': { version: 1, data: z.object({ contactId: z.string() }) },
  'company.created': { version: 1, data: companyData },
  'company.updated': { version: 1, data: companyData.extend({ changed: z.array(z.string()) }) },
  'company.deleted': { version: 1, data: z.object({ companyId: z.string() }) },
  'activity.logged': {
    version: 1,
    data: z.object({
      activityId: z.string(),
      contactId: z.string(),
      companyId: z.string().optional(),
      type: z.string(),
      channel: z.string().optional(),
      direction: z.string().optional(),
      occurredAt: z.string(),
    }),
  },
  'ticket.created': { version: 1, data: ticketData },
  /** Priority, category, tags or team changed (classification, an agent, an escalation); `changed` names the fields. */
  'ticket.updated': { version: 1, data: ticketData.extend({ changed: z.array(z.string()) }) },
  'ticket.assigned': { version: 1, data: ticketData.extend({ previousAssigneeId: z.string().optional() }) },
  /** A reply (public) or an internal note (public: false) joined the conversation. */
  'ticket.replied': {
    version: 1,
    data: ticketData.extend({ messageId: z.string(), author: z.enum(['agent', 'customer']), public: z.boolean() }),
  },
  'ticket.status_changed': { version: 1, data: ticketData.extend({ from: z.enum(ticketStatuses) }) },
  'ticket.reopened': { version: 1, data: ticketData },
  'ticket.sla_warning': { version: 1, data: slaData },
  'ticket.sla_breached': { version: 1, data: slaData },
  /** A business-hours calendar or SLA policy was created, replaced or deleted (the SLA context's configuration). */
  'sla.configuration_changed': {
    version: 1,
    data: z.object({
      kind: z.enum(['calendar', 'policy', 'policy_order']),
      id: z.string(),
      change: z.enum(['created', 'updated', 'deleted']),
      name: z.string().optional(),
    }),
  },
  'team.created': { version: 1, data: teamData },
  'team.updated': { version: 1, data: teamData.extend({ changed: z.array(z.string()) }) },
  'team.deleted': { version: 1, data: teamData },
  // Produced by the tickets context, and by integrations through POST /events (hence the loose shape).
  'ticket.resolved': {
    version: 1,
    data: z.strictObject({
      ticketId: z.string().min(1).max(128),
      contactId: z.string(),
      subject: z.string().max(300).optional(),
      channel: z.string().max(40).optional(),
      reference: z.string().optional(),
      priority: z.enum(ticketPriorities).optional(),
      category: z.string().optional(),
      teamId: z.string().optional(),
      assigneeId: z.string().optional(),
    }),
  },
  'kb_category.created': { version: 1, data: kbCategoryData },
  'kb_category.updated': { version: 1, data: kbCategoryData.extend({ changed: z.array(z.string()) }) },
  'kb_category.deleted': { version: 1, data: kbCategoryData },
  'kb_article.created': { version: 1, data: kbArticleData },
  /** The draft or the article's slug or category changed; `changed` names the fields. */
  'kb_article.updated': { version: 1, data: kbArticleData.extend({ changed: z.array(z.string()) }) },
  /** A version became the public one: the draft, or an older version again (`rollback`). */
  'kb_article.published': { version: 1, data: kbArticleData.extend({ number: z.number().int(), rollback: z.boolean() }) },
  /** The published version was taken off: the article is public no more. */
  'kb_article.archived': { version: 1, data: kbArticleData.extend({ number: z.number().int() }) },
  'kb_article.feedback_received': {
    version: 1,
    data: z.object({ articleId: z.string(), number: z.number().int(), helpful: z.boolean(), hasComment: z.boolean() }),
  },
  /** A search session ended without a ticket from its contact within 24 hours: each article viewed deflected one. */
  'kb_session.deflected': {
    version: 1,
    data: z.object({ sessionId: z.string(), contactId: z.string().optional(), articleIds: z.array(z.string()) }),
  },
  'order.placed': {
    version: 1,
    data: z.strictObject({
      orderId: z.string().min(1).max(128),
      contactId: z.string(),
      total: money,
      items: z
        .array(z.strictObject({ sku: z.string().max(64), name: z.string().max(200), quantity: z.number().int().min(1), price: money }))
        .max(100)
        .optional(),
      // Set when Rapport's orders context produces the event (ingested ones may leave them out).
      companyId: z.string().max(128).optional(),
      dealId: z.string().max(128).optional(),
      quoteId: z.string().max(128).optional(),
      sourceId: z.string().max(128).optional(),
      tax: money.optional(),
    }),
  },
  'order.paid': { version: 1, data: orderData },
  'order.fulfilled': { version: 1, data: orderData },
  'order.cancelled': { version: 1, data: orderData.extend({ reason: z.string().optional() }) },
  /** A full or partial refund: `amount` is this refund, `refundedAmount` all refunds so far; `status` says which. */
  'order.refunded': { version: 1, data: orderData.extend({ amount: money, refundedAmount: money }) },
  'deal.stage_changed': {
    version: 1,
    data: z.strictObject({
      dealId: z.string().min(1).max(128),
      contactId: z.string(),
      pipeline: z.string().max(64).optional(),
      fromStage: z.string().max(64).optional(),
      toStage: z.string().max(64),
      amount: money.optional(),
      // Set when Rapport's deals context produces the event (ingested ones may leave them out).
      contactIds: z.array(z.string()).max(20).optional(),
      ownerId: z.string().max(128).optional(),
      stageKind: z.enum(['open', 'won', 'lost']).optional(),
      msInPreviousStage: z.number().int().min(0).optional(),
    }),
  },
  'pipeline.created': { version: 1, data: pipelineData },
  'pipeline.updated': { version: 1, data: pipelineData.extend({ removedStages: z.array(z.string()) }) },
  'deal.created': { version: 1, data: dealData },
  'deal.updated': { version: 1, data: dealData.extend({ changed: z.array(z.string()) }) },
  'deal.deleted': { version: 1, data: z.object({ dealId: z.string(), pipelineId: z.string(), contactIds: z.array(z.string()) }) },
  'deal.won': { version: 1, data: dealData.extend({ closedAt: z.string() }) },
  'deal.lost': { version: 1, data: dealData.extend({ closedAt: z.string(), lostReason: z.string() }) },
  /** A manager's adjustment of an owner's forecast for a period (kept apart from the computed figures). */
  'forecast.adjusted': {
    version: 1,
    data: z.object({ period: z.string(), ownerId: z.string(), version: z.number().int(), amount: money, note: z.string().optional() }),
  },
  'forecast.quota_set': {
    version: 1,
    data: z.object({ period: z.string(), ownerId: z.string(), version: z.number().int(), amount: money }),
  },
  /** The weekly forecast snapshot of a tenant and period was written. */
  'forecast.snapshot_taken': { version: 1, data: z.object({ period: z.string(), week: z.string() }) },
  'product.created': { version: 1, data: productData },
  'product.updated': { version: 1, data: productData.extend({ changed: z.array(z.string()) }) },
  'price_book.created': { version: 1, data: priceBookData },
  'price_book.updated': {
    version: 1,
    data: priceBookData.extend({ removedPrices: z.array(z.object({ productId: z.string(), currency: z.string() })) }),
  },
  'quote.created': { version: 1, data: quoteData },
  /** A new version of the quote (its number). */
  'quote.updated': { version: 1, data: quoteData },
  'quote.sent': { version: 1, data: quoteData },
  'quote.accepted': { version: 1, data: quoteData },
  'quote.declined': { version: 1, data: quoteData },
  'quote.expired': { version: 1, data: quoteData },
  'lead.created': { version: 1, data: leadData },
  'lead.updated': { version: 1, data: leadData.extend({ changed: z.array(z.string()) }) },
  'lead.assigned': {
    version: 1,
    data: z.object({
      leadId: z.string(),
      ownerId: z.string(),
      previousOwnerId: z.string().optional(),
      via: z.enum(['routing', 'user', 'form']),
    }),
  },
  'lead.disqualified': { version: 1, data: leadData.extend({ reason: z.string() }) },
  'lead.converted': {
    version: 1,
    data: z.object({
      leadId: z.string(),
      contactId: z.string(),
      reusedContact: z.boolean(),
      companyId: z.string().optional(),
      dealId: z.string().optional(),
    }),
  },
  'ticket_integration.created': { version: 1, data: z.object({ integrationId: z.string(), name: z.string(), channel: z.string() }) },
  'ticket_integration.deleted': { version: 1, data: z.object({ integrationId: z.string(), name: z.string(), channel: z.string() }) },
  'ticket_form.created': { version: 1, data: z.object({ formId: z.string(), name: z.string() }) },
  'lead.form_created': { version: 1, data: z.object({ formId: z.string(), name: z.string(), fields: z.array(z.string()) }) },
  'lead.scoring_updated': {
    version: 1,
    data: z.object({ version: z.number().int(), fitRules: z.number().int(), halfLifeDays: z.number() }),
  },
  'lead.routing_updated': { version: 1, data: z.object({ version: z.number().int(), members: z.array(z.string()) }) },
  'survey.responded': {
    version: 1,
    data: z.object({
      surveyId: z.string(),
      sendId: z.string(),
      contactId: z.string(),
      kind: z.enum(['nps', 'csat']),
      score: z.number().int(),
      comment: z.string().optional(),
      journeyId: z.string().optional(),
      runId: z.string().optional(),
      /** The ticket whose resolution the survey asked about (a survey sent by a journey triggered by ticket.resolved). */
      ticketId: z.string().optional(),
    }),
  },
  'task.created': { version: 1, data: taskData },
  'task.updated': { version: 1, data: taskData.extend({ changed: z.array(z.string()) }) },
  'task.completed': { version: 1, data: taskData.extend({ completedAt: z.string() }) },
  'task.deleted': { version: 1, data: z.object({ taskId: z.string(), contactId: z.string() }) },
  'message.sent': { version: 1, data: messageRef.extend({ templateId: z.string().optional(), purpose: z.string() }) },
  'message.failed': { version: 1, data: messageRef.extend({ reason: z.string() }) },
  'message.delivered': { version: 1, data: messageRef },
  'message.bounced': { version: 1, data: messageRef.extend({ bounceType: z.enum(['permanent', 'transient', 'undetermined']) }) },
  'message.complained': { version: 1, data: messageRef },
  'message.opened': { version: 1, data: messageRef },
  'message.clicked': { version: 1, data: messageRef.extend({ link: z.string() }) },
  'template.created': { version: 1, data: templateData },
  'template.updated': { version: 1, data: templateData.extend({ changed: z.array(z.string()) }) },
  'template.deleted': { version: 1, data: templateData },
  /** An address went on the suppression list (by hand, or by a hard bounce or complaint: then with the message). */
  'suppression.added': {
    version: 1,
    data: suppressionData.extend({ reason: z.enum(['hard-bounce', 'complaint', 'manual']), messageId: z.string().optional() }),
  },
  'suppression.removed': { version: 1, data: suppressionData },
  'contacts.settings_updated': { version: 1, data: z.object({ defaultRegion: z.string().optional(), changed: z.array(z.string()) }) },
  'messaging.settings_updated': { version: 1, data: z.object({ version: z.number().int(), changed: z.array(z.string()) }) },
  'tickets.rules_updated': { version: 1, data: z.object({ version: z.number().int(), rules: z.array(z.string()) }) },
  'tickets.settings_updated': { version: 1, data: z.object({ version: z.number().int() }) },
  'journey.created': { version: 1, data: journeyData },
  'journey.updated': { version: 1, data: journeyChange },
  'journey.activated': { version: 1, data: journeyChange },
  'journey.paused': { version: 1, data: journeyChange },
  'journey.archived': { version: 1, data: journeyChange },
  'journey.deleted': { version: 1, data: journeyData },
  /** A customer followed a sign-in link into the self-service portal (a new session); signed_out ended every session. */
  'portal.signed_in': { version: 1, data: z.object({ contactId: z.string(), sessionId: z.string() }) },
  'portal.signed_out': { version: 1, data: z.object({ contactId: z.string() }) },
} as const;

/** Event types trusted integrations may publish through POST /events. */
export const ingestibleEvents = [
  'ticket.resolved',
  'order.placed',
  'deal.stage_changed',
] as const satisfies readonly (keyof typeof eventCatalog)[];

export type EventType = keyof typeof eventCatalog;
export type EventData<T extends EventType> = z.input<(typeof eventCatalog)[T]['data']>;

export const eventEnvelope = z.object({
  id: z.string(),
  type: z.string(),
  version: z.number().int(),
  tenantId: z.string(),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()),
  /** Who caused it; absent on events stored before envelopes carried it. */
  actor: z.object({ type: z.enum(['user', 'system']), id: z.string() }).optional(),
  /** The request or first event of the chain this event belongs to. */
  correlationId: z.string().optional(),
  /** The event whose handling emitted this one. */
  causationId: z.string().optional(),
});
export type DomainEvent = z.infer<typeof eventEnvelope>;
/** An event as a consumer receives it: data parsed with the catalog's schema for its type. */
export type ConsumedEvent<T extends EventType> = Omit<DomainEvent, 'type' | 'data'> & {
  type: T;
  data: z.output<(typeof eventCatalog)[T]['data']>;
};
