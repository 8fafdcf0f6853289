import type { ScheduledJob } from '../../shared/ports/scheduler.ts';
import type { Contact, ContactPatch } from '../contacts/api.ts';
import type { SendOutcome } from '../messaging/api.ts';

export type { SendOutcome };

/** What a branch condition knows of one of the contact's open deals (dealsApi.openDealsOf). */
export interface OpenDeal {
  id: string;
  pipelineId: string;
  stageId: string;
  /** When the deal entered its stage. */
  stageEnteredAt: string;
}

export interface MessageRequest {
  tenantId: string;
  contactId: string;
  channel: 'email' | 'sms';
  purpose: 'marketing' | 'transactional' | 'surveys';
  templateId: string;
  dedupeKey: string;
  journeyId: string;
  runId: string;
  /** The contact as the engine read it (strongly consistent) in this invocation: messaging then need not read it again. */
  contact?: Contact;
}

export interface SurveyRequest {
  tenantId: string;
  contactId: string;
  kind: 'nps' | 'csat';
  question: string;
  commentPrompt?: string;
  dedupeKey: string;
  expiresInDays?: number;
  journeyId: string;
  runId: string;
  /** The resolved ticket the survey asks about, when a ticket.resolved event started the run. */
  ticketId?: string;
}

export interface TaskRequest {
  tenantId: string;
  contactId: string;
  ownerId?: string;
  title: string;
  notes?: string;
  dueAt: string;
  dedupeKey: string;
  journeyId: string;
}

/**
 * Everything a journey step does outside the journey's own items: the other
 * contexts' send, survey, task and contact services, the clock and the
 * scheduler. Production wires the real ones (live-effects.ts); the dry run
 * and unit tests pass stand-ins. Every call that acts carries a dedupe key
 * stable per run, step and visit, so a retried step never acts twice.
 */
export interface Effects {
  now(): Date;
  contact(tenantId: string, contactId: string): Promise<Contact | undefined>;
  /** The open deals the contact takes part in, read when a branch condition asks about deals. */
  openDeals(tenantId: string, contactId: string): Promise<OpenDeal[]>;
  updateContact(tenantId: string, contactId: string, patch: ContactPatch, journeyId: string): Promise<void>;
  sendMessage(request: MessageRequest): Promise<SendOutcome>;
  sendSurvey(request: SurveyRequest): Promise<{ sendId: string; outcome: SendOutcome }>;
  /** Gives the created task's id when the service tells it. */
  createTask(request: TaskRequest): Promise<string | undefined>;
  nextBusinessDay(from: Date, timeZone: string): Date;
  schedule(job: ScheduledJob): Promise<void>;
  cancel(name: string): Promise<void>;
}
