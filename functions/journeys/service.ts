import { isWriteConflict } from '../../shared/db/transact.ts';
import { conflict, invalid, notFound, preconditionFailed } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { RequestContext } from '../../shared/http/handler.ts';
import type { ServiceFor } from '../../shared/http/route.ts';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import type { MessagingSettings, SendChannel, TemplateInput } from '../messaging/api.ts';
import type { JourneyRepository } from './repository.ts';
import type { journeyRoutes } from './routes.ts';
import { emptyCounters } from './run.ts';
import { type Journey, type JourneyDefinition, type JourneyStatus, journeyBody } from './schemas.ts';
import { simulate } from './simulate.ts';
import { templateNames } from './template-names.ts';
import { builtInTemplates } from './templates.ts';
import { type TemplateCheck, validateJourney } from './validate.ts';

export interface JourneyServiceDeps {
  repo: JourneyRepository;
  /** Messaging's checkTemplate. */
  checkTemplate: TemplateCheck;
  /** Stores a built-in starter template in messaging (its content compiles: a unit test checks it); gives its id. */
  createTemplate: (input: TemplateInput, ctx: RequestContext) => Promise<string>;
  /** Messaging's settings and suppression list, which the dry run reads. */
  messaging: {
    settings(tenantId: string): Promise<MessagingSettings>;
    suppressed(tenantId: string, channel: SendChannel, address: string): Promise<boolean>;
  };
}

/** Status changes: where each may start, and where it leads. */
const moves: Record<'activate' | 'pause' | 'archive', { from: JourneyStatus[]; to: JourneyStatus }> = {
  activate: { from: ['draft', 'paused'], to: 'active' },
  pause: { from: ['active'], to: 'paused' },
  archive: { from: ['draft', 'active', 'paused'], to: 'archived' },
};

/** The event each status change emits. */
const movedEvent = { active: 'journey.activated', paused: 'journey.paused', archived: 'journey.archived' } as const;

/** JSON with object keys sorted: a definition read back from the table may list its keys in another order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/** The journey's fields that differ, bookkeeping (version, updatedAt) left out. */
const changedFields = (before: Journey, after: Journey) =>
  Object.keys({ ...before, ...after }).filter(
    (k) => !['version', 'updatedAt'].includes(k) && canonical(before[k as keyof Journey]) !== canonical(after[k as keyof Journey]),
  );

const journeyFacts = (j: Journey) => ({ journeyId: j.id, name: j.name, version: j.version, status: j.status });

/** journey.updated, or the status change's own event, naming the fields that changed. */
const changeEvent = (tenantId: string, before: Journey, after: Journey) => {
  const data = { ...journeyFacts(after), changed: changedFields(before, after) };
  return after.status !== before.status && after.status !== 'draft'
    ? domainEvent(tenantId, movedEvent[after.status], data)
    : domainEvent(tenantId, 'journey.updated', data);
};

/** A journey's definition fields only: what a version holds and an edit replaces. */
const definitionOf = ({ name, description, trigger, steps, goals, reentry }: JourneyDefinition): JourneyDefinition => ({
  name,
  ...(description ? { description } : {}),
  trigger,
  steps,
  goals,
  reentry,
});

export const journeyService = ({ repo, checkTemplate, createTemplate, messaging }: JourneyServiceDeps) => {
  const refuseInvalid = async (journey: JourneyDefinition, tenantId: string) => {
    const errors = await validateJourney(journey, tenantId, checkTemplate);
    if (Object.keys(errors).length) throw invalid('the journey is not valid', errors);
  };

  const existing = async (tenantId: string, id: string, ifMatch?: number): Promise<Journey> => {
    const journey = await repo.get(tenantId, id, true);
    if (!journey) throw notFound('journey');
    if (ifMatch !== undefined && ifMatch !== journey.version) throw preconditionFailed();
    return journey;
  };

  const saved = async (tenantId: string, before: Journey, after: Journey, ifMatch?: number): Promise<Journey> => {
    try {
      await repo.save(tenantId, before, after, changeEvent(tenantId, before, after));
      return after;
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
      throw ifMatch === undefined
        ? conflict('the journey changed while this request was applied; read it again and retry')
        : preconditionFailed();
    }
  };

  const create = async (definition: JourneyDefinition, ctx: RequestContext, template?: Journey['template']): Promise<Journey> => {
    await refuseInvalid(definition, ctx.tenantId);
    const now = clock().now().toISOString();
    const journey: Journey = {
      id: newId(),
      version: 1,
      status: 'draft',
      ...definitionOf(definition),
      ...(template ? { template } : {}),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await repo.create(ctx.tenantId, journey, domainEvent(ctx.tenantId, 'journey.created', journeyFacts(journey)));
    } catch (error) {
      if (template && isWriteConflict(error, 'TEMPLATE'))
        throw conflict(`the ${template} template is already installed`, {
          existingId: await repo.templateJourneyId(ctx.tenantId, template),
        });
      throw error;
    }
    return journey;
  };

  const move = async (tenantId: string, id: string, verb: keyof typeof moves): Promise<Journey> => {
    const before = await existing(tenantId, id);
    const { from, to } = moves[verb];
    if (before.status === to) return before;
    if (!from.includes(before.status))
      throw conflict(`a journey that is ${before.status} cannot be ${verb === 'activate' ? 'activated' : `${verb}d`}`);
    if (to === 'active') await refuseInvalid(before, tenantId);
    const now = clock().now().toISOString();
    return saved(tenantId, before, { ...before, status: to, updatedAt: now, ...(to === 'active' ? { activatedAt: now } : {}) });
  };

  const service: ServiceFor<typeof journeyRoutes, RequestContext> = {
    createJourney: ({ body }, ctx) => create(body, ctx),

    listJourneys: ({ query }, ctx) => repo.list(ctx.tenantId, query.limit, query.cursor),

    getJourney: ({ params }, ctx) => existing(ctx.tenantId, params.id),

    async updateJourney({ params, body, ifMatch }, ctx) {
      const before = await existing(ctx.tenantId, params.id, ifMatch);
      if (before.status === 'archived') throw conflict('an archived journey cannot be edited');
      await refuseInvalid(body, ctx.tenantId);
      const after: Journey = { ...before, ...definitionOf(body), version: before.version + 1, updatedAt: clock().now().toISOString() };
      if (!body.description) delete after.description;
      return saved(ctx.tenantId, before, after, ifMatch);
    },

    async deleteJourney({ params, ifMatch }, ctx) {
      const journey = await existing(ctx.tenantId, params.id, ifMatch);
      if (journey.status !== 'draft') throw conflict('only a draft can be deleted: runs may follow this journey; archive it instead');
      try {
        await repo.delete(ctx.tenantId, journey, domainEvent(ctx.tenantId, 'journey.deleted', journeyFacts(journey)));
      } catch (error) {
        if (isWriteConflict(error)) throw conflict('the journey changed while this request was applied; read it again and retry');
        throw error;
      }
      return undefined;
    },

    activateJourney: ({ params }, ctx) => move(ctx.tenantId, params.id, 'activate'),
    pauseJourney: ({ params }, ctx) => move(ctx.tenantId, params.id, 'pause'),
    archiveJourney: ({ params }, ctx) => move(ctx.tenantId, params.id, 'archive'),

    async getJourneyVersion({ params }, ctx) {
      const version = await repo.version(ctx.tenantId, params.id, params.version);
      if (!version) throw notFound('journey version');
      return version;
    },

    async simulateJourney({ params, body }, ctx) {
      const journey = await existing(ctx.tenantId, params.id);
      const version = await repo.version(ctx.tenantId, journey.id, body.version ?? journey.version);
      if (!version) throw notFound('journey version');
      const suppressed = (channel: SendChannel, address: string) => messaging.suppressed(ctx.tenantId, channel, address);
      return simulate(version, body, body.start ? new Date(body.start) : clock().now(), {
        settings: await messaging.settings(ctx.tenantId),
        suppressed,
      });
    },

    async journeyStats({ params }, ctx) {
      const journey = await existing(ctx.tenantId, params.id);
      const counters = await repo.stats(ctx.tenantId, journey.id);
      const current = journey.steps.map((s) => s.id);
      const former = [...counters.keys()].filter((scope) => scope !== '*' && !current.includes(scope));
      return {
        journeyId: journey.id,
        totals: counters.get('*') ?? emptyCounters(),
        steps: [...current, ...former].map((stepId) => ({ stepId, ...(counters.get(stepId) ?? emptyCounters()) })),
      };
    },

    listJourneyTemplates: async () => ({
      items: templateNames.map((name) => ({
        name,
        summary: builtInTemplates[name].summary,
        slots: builtInTemplates[name].slots.map(({ slot, channel }) => ({ slot, channel })),
      })),
    }),

    async installJourneyTemplate({ params, body }, ctx) {
      const builtIn = builtInTemplates[params.name];
      const unknown = Object.keys(body.templates ?? {}).filter((slot) => !builtIn.slots.some((s) => s.slot === slot));
      if (unknown.length)
        throw invalid(
          'unknown message slots',
          Object.fromEntries(unknown.map((slot) => [`body.templates.${slot}`, [`the ${params.name} template has no slot ${slot}`]])),
        );
      const installed = await repo.templateJourneyId(ctx.tenantId, params.name);
      if (installed) throw conflict(`the ${params.name} template is already installed`, { existingId: installed });
      const ids: Record<string, string> = {};
      for (const { slot, starter } of builtIn.slots) ids[slot] = body.templates?.[slot] ?? (await createTemplate(starter, ctx));
      const definition = journeyBody.parse({ ...builtIn.build(ids), ...(body.name ? { name: body.name } : {}) });
      return create(definition, ctx, params.name);
    },
  };
  return service;
};
