import { isWriteConflict } from '../../shared/db/transact.ts';
import { conflict, notFound, preconditionFailed, unprocessable } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import { retry } from '../../shared/retry.ts';
import { defaultPolicy, defaultPolicyId } from './lifecycle.ts';
import type { DefaultChange, SlaConflict, SlaRepository } from './repository.ts';
import type { slaRoutes } from './routes.ts';
import type { Calendar, CalendarBody, Policy, PolicyBody, PolicyOrder } from './schemas.ts';
import { orderedPolicies } from './ticket-sla.ts';

const writeAttempts = 6;
export const maxPolicies = 50;

const configChanged = (
  tenantId: string,
  kind: 'calendar' | 'policy' | 'policy_order',
  id: string,
  change: 'created' | 'updated' | 'deleted',
  name?: string,
) => domainEvent(tenantId, 'sla.configuration_changed', { kind, id, change, ...(name !== undefined && { name }) });

const retriable = (ifMatch: number | undefined) => (error: unknown) =>
  isWriteConflict<SlaConflict>(error, 'ORDER') || (ifMatch === undefined && isWriteConflict<SlaConflict>(error, 'VERSION', 'EXISTS'));

/** Runs a change; a lost race is retried on fresh data unless If-Match pinned the version (then 412). */
const versioned = <T>(ifMatch: number | undefined, work: () => Promise<T>) =>
  retry(work, { attempts: writeAttempts, retryOn: retriable(ifMatch) }).catch((error) => {
    if (isWriteConflict<SlaConflict>(error, 'VERSION', 'EXISTS') && ifMatch !== undefined) throw preconditionFailed();
    throw error;
  });

const checkMatch = (ifMatch: number | undefined, version: number) => {
  if (ifMatch !== undefined && ifMatch !== version) throw preconditionFailed();
};

export const slaService = (repo: SlaRepository) => {
  const withDefault = async (tenantId: string, c: Calendar, defaultId?: string) => ({
    ...c,
    isDefault: (defaultId ?? (await repo.defaultCalendarId(tenantId))) === c.id,
  });

  /** How a calendar write moves the default pointer. */
  const defaultChange = (id: string, isDefault: boolean, current: string | undefined): DefaultChange =>
    isDefault ? (current === id ? undefined : { set: id }) : current === id ? { clear: true } : undefined;

  /** Every calendar a policy's targets name must exist: 422 naming the target otherwise. */
  const checkCalendars = async (tenantId: string, body: PolicyBody) => {
    const errors: Record<string, string[]> = {};
    for (const [target, spec] of Object.entries(body.targets))
      if (spec?.calendarId && !(await repo.getCalendar(tenantId, spec.calendarId)))
        errors[`body.targets.${target}.calendarId`] = [`no calendar ${spec.calendarId}`];
    if (Object.keys(errors).length) throw unprocessable('a target names a calendar that does not exist', { errors });
  };

  /** The policy by id; the default one exists before it is first edited (version 1, built in). */
  const policyById = async (tenantId: string, id: string): Promise<{ policy: Policy; stored: boolean } | undefined> => {
    const stored = await repo.getPolicy(tenantId, id);
    if (stored) return { policy: stored, stored: true };
    if (id === defaultPolicyId(tenantId)) return { policy: defaultPolicy(tenantId, new Date(0).toISOString()), stored: false };
    return undefined;
  };

  const orderOf = (tenantId: string, order: PolicyOrder | undefined, policies: Policy[]): PolicyOrder => ({
    ids: orderedPolicies(tenantId, { policies, order })
      .filter((p) => !p.isDefault)
      .map((p) => p.id),
    version: order?.version ?? 0,
  });

  const service: ServiceFor<typeof slaRoutes, RequestContext> = {
    async createCalendar({ body }, ctx) {
      const now = clock().now().toISOString();
      const { isDefault, ...fields } = body as CalendarBody;
      const calendar: Calendar = { id: newId(), version: 1, ...fields, createdAt: now, updatedAt: now };
      const current = await repo.defaultCalendarId(ctx.tenantId);
      await repo.saveCalendar(ctx.tenantId, undefined, calendar, defaultChange(calendar.id, isDefault, current), [
        configChanged(ctx.tenantId, 'calendar', calendar.id, 'created', calendar.name),
      ]);
      return { ...calendar, isDefault: isDefault || current === calendar.id };
    },

    async listCalendars({ query }, ctx) {
      const [page, defaultId] = await Promise.all([repo.listCalendars(ctx.tenantId, query), repo.defaultCalendarId(ctx.tenantId)]);
      return { ...page, items: page.items.map((c) => ({ ...c, isDefault: c.id === defaultId })) };
    },

    async getCalendar({ params }, ctx) {
      const calendar = await repo.getCalendar(ctx.tenantId, params.id);
      if (!calendar) throw notFound('calendar');
      return withDefault(ctx.tenantId, calendar);
    },

    updateCalendar: ({ params, body, ifMatch }, ctx) =>
      versioned(ifMatch, async () => {
        const before = await repo.getCalendar(ctx.tenantId, params.id);
        if (!before) throw notFound('calendar');
        checkMatch(ifMatch, before.version);
        const { isDefault, ...fields } = body as CalendarBody;
        const after: Calendar = { ...before, ...fields, version: before.version + 1, updatedAt: clock().now().toISOString() };
        const current = await repo.defaultCalendarId(ctx.tenantId);
        const change = defaultChange(after.id, isDefault, current);
        await repo.saveCalendar(ctx.tenantId, before, after, change, [
          configChanged(ctx.tenantId, 'calendar', after.id, 'updated', after.name),
        ]);
        return { ...after, isDefault };
      }),

    deleteCalendar: ({ params, ifMatch }, ctx) =>
      versioned(ifMatch, async () => {
        const calendar = await repo.getCalendar(ctx.tenantId, params.id);
        if (!calendar) throw notFound('calendar');
        checkMatch(ifMatch, calendar.version);
        const set = await repo.policySet(ctx.tenantId);
        const users = set.policies.filter((p) => Object.values(p.targets).some((t) => t?.calendarId === calendar.id));
        if (users.length)
          throw conflict(`policies name the calendar: ${users.map((p) => p.name).join(', ')}`, { policies: users.map((p) => p.id) });
        const change = set.defaultCalendarId === calendar.id ? ({ clear: true } as const) : undefined;
        await repo.deleteCalendar(ctx.tenantId, calendar, change, [
          configChanged(ctx.tenantId, 'calendar', calendar.id, 'deleted', calendar.name),
        ]);
        return undefined;
      }),

    async createPolicy({ body }, ctx) {
      await checkCalendars(ctx.tenantId, body);
      return versioned(undefined, async () => {
        const set = await repo.policySet(ctx.tenantId);
        const custom = set.policies.filter((p) => !p.isDefault);
        if (custom.length >= maxPolicies) throw conflict(`a tenant has at most ${maxPolicies} policies`);
        const now = clock().now().toISOString();
        const policy: Policy = { id: newId(), version: 1, isDefault: false, ...body, createdAt: now, updatedAt: now };
        const order = orderOf(ctx.tenantId, set.order, set.policies);
        await repo.savePolicy(
          ctx.tenantId,
          undefined,
          policy,
          { before: set.order, after: { ids: [...order.ids, policy.id], version: order.version + 1 } },
          [configChanged(ctx.tenantId, 'policy', policy.id, 'created', policy.name)],
        );
        return policy;
      });
    },

    async listPolicies(_, ctx) {
      return { items: orderedPolicies(ctx.tenantId, await repo.policySet(ctx.tenantId)) };
    },

    async getPolicy({ params }, ctx) {
      const found = await policyById(ctx.tenantId, params.id);
      if (!found) throw notFound('SLA policy');
      return found.policy;
    },

    async updatePolicy({ params, body, ifMatch }, ctx) {
      await checkCalendars(ctx.tenantId, body);
      return versioned(ifMatch, async () => {
        const found = await policyById(ctx.tenantId, params.id);
        if (!found) throw notFound('SLA policy');
        const before = found.policy;
        checkMatch(ifMatch, before.version);
        if (before.isDefault && body.conditions)
          throw unprocessable('the default policy matches every ticket: it takes no conditions', {
            errors: { 'body.conditions': ['not allowed on the default policy'] },
          });
        const after: Policy = { ...before, ...body, version: before.version + 1, updatedAt: clock().now().toISOString() };
        if (!body.conditions) delete after.conditions;
        await repo.savePolicy(ctx.tenantId, found.stored ? before : undefined, after, undefined, [
          configChanged(ctx.tenantId, 'policy', after.id, 'updated', after.name),
        ]);
        return after;
      });
    },

    deletePolicy: ({ params, ifMatch }, ctx) =>
      versioned(ifMatch, async () => {
        if (params.id === defaultPolicyId(ctx.tenantId)) throw conflict('the default policy cannot be deleted');
        const policy = await repo.getPolicy(ctx.tenantId, params.id);
        if (!policy) throw notFound('SLA policy');
        checkMatch(ifMatch, policy.version);
        const set = await repo.policySet(ctx.tenantId);
        const order = orderOf(ctx.tenantId, set.order, set.policies);
        await repo.deletePolicy(
          ctx.tenantId,
          policy,
          { before: set.order, after: { ids: order.ids.filter((id) => id !== policy.id), version: order.version + 1 } },
          [configChanged(ctx.tenantId, 'policy', policy.id, 'deleted', policy.name)],
        );
        return undefined;
      }),

    async getPolicyOrder(_, ctx) {
      const set = await repo.policySet(ctx.tenantId);
      return orderOf(ctx.tenantId, set.order, set.policies);
    },

    putPolicyOrder: ({ body, ifMatch }, ctx) =>
      retry(
        async () => {
          const set = await repo.policySet(ctx.tenantId);
          const current = orderOf(ctx.tenantId, set.order, set.policies);
          checkMatch(ifMatch, current.version);
          const known = new Set(current.ids);
          const unknown = body.ids.filter((id) => !known.has(id));
          const missing = current.ids.filter((id) => !body.ids.includes(id));
          if (unknown.length || missing.length)
            throw unprocessable('ids must name every policy but the default one, once', {
              errors: {
                'body.ids': [
                  ...(unknown.length ? [`not a policy of the order: ${unknown.join(', ')}`] : []),
                  ...(missing.length ? [`missing: ${missing.join(', ')}`] : []),
                ],
              },
            });
          const after = { ids: body.ids, version: current.version + 1 };
          await repo.saveOrder(ctx.tenantId, { before: set.order, after }, [
            configChanged(ctx.tenantId, 'policy_order', 'order', 'updated'),
          ]);
          return after;
        },
        { attempts: writeAttempts, retryOn: (error) => ifMatch === undefined && isWriteConflict<SlaConflict>(error, 'ORDER') },
      ).catch((error) => {
        if (isWriteConflict<SlaConflict>(error, 'ORDER')) throw preconditionFailed();
        throw error;
      }),
  };
  return service;
};
