import { newId } from '../../shared/ports/ids.ts';
import type { ScheduledJob, Scheduler } from '../../shared/ports/scheduler.ts';
import type { TicketEvent, TicketFacts } from './lifecycle.ts';
import { memorySlaRepository } from './memory-repository.ts';
import type { Policy } from './schemas.ts';
import { ticketSla } from './ticket-sla.ts';

export interface ScheduleOps {
  schedule: number;
  cancel: number;
}

/** The lifecycle the figures count: each step's scheduler operations. */
export type LifecycleOps = Record<'create' | 'agentReply' | 'pause' | 'resume' | 'customerReply' | 'resolve', ScheduleOps>;

/**
 * Scheduler operations (EventBridge Scheduler CreateSchedule / DeleteSchedule
 * calls) of one ticket through create → agent reply → pause → resume →
 * customer reply → resolve, under a policy with first response, next
 * response and resolution targets in calendar time. Runs the real lifecycle
 * on the in-memory repository, so the bench reports what the code does.
 */
export const scheduleOpsPerLifecycle = async (): Promise<LifecycleOps> => {
  const tenantId = 'figures';
  const ops: ScheduleOps = { schedule: 0, cancel: 0 };
  const pending = new Map<string, ScheduledJob>();
  const scheduler: Scheduler = {
    async schedule(job) {
      ops.schedule++;
      if (!pending.has(job.name)) pending.set(job.name, job);
    },
    async cancel(name) {
      ops.cancel++;
      pending.delete(name);
    },
  };
  let now = new Date('2026-03-10T09:00:00Z');
  const { repo } = memorySlaRepository();
  const policy: Policy = {
    id: newId(),
    version: 1,
    name: 'Figures',
    isDefault: false,
    targets: {
      firstResponse: { minutes: 60, businessTime: false },
      nextResponse: { minutes: 120, businessTime: false },
      resolution: { minutes: 480, businessTime: false },
    },
    warnAtPercent: 80,
    escalation: [],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await repo.savePolicy(tenantId, undefined, policy, undefined, []);
  const engine = ticketSla({
    repo,
    scheduler,
    clock: { now: () => now },
    tickets: {
      get: async () => undefined,
      assign: async () => undefined,
      update: async () => undefined as never,
      recordSla: async () => undefined,
    },
    tierOf: async () => undefined,
    notify: async () => undefined,
  });
  const ticket: TicketFacts = {
    ticketId: newId(),
    contactId: newId(),
    reference: 'T-1',
    channel: 'api',
    status: 'new',
    priority: 'normal',
    tags: [],
    subject: 'Figures',
  };
  const step = async (minutes: number, type: TicketEvent['type'], data: Record<string, unknown> = {}): Promise<ScheduleOps> => {
    now = new Date(now.getTime() + minutes * 60_000);
    Object.assign(ops, { schedule: 0, cancel: 0 });
    Object.assign(ticket, data);
    await engine.handleEvent({
      id: newId(),
      type,
      version: 1,
      tenantId,
      occurredAt: now.toISOString(),
      data: { ...ticket, ...data },
    } as TicketEvent);
    return { ...ops };
  };
  return {
    create: await step(0, 'ticket.created'),
    agentReply: await step(10, 'ticket.replied', { messageId: newId(), author: 'agent', public: true, status: 'open' }),
    pause: await step(0, 'ticket.status_changed', { status: 'pending_customer', from: 'open' }),
    resume: await step(60, 'ticket.status_changed', { status: 'open', from: 'pending_customer' }),
    customerReply: await step(0, 'ticket.replied', { messageId: newId(), author: 'customer', public: true }),
    resolve: await step(30, 'ticket.resolved', {}),
  };
};
