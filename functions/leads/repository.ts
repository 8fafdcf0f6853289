import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/db/client.ts';
import type { Page, PageRequest } from '../../shared/db/query.ts';
import { getItem, listPage, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { labelled, put, putNew, remove, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { countWindowHit } from '../../shared/http/rate-limit.ts';
import { formItem, type LeadUniqueKind, leadEntities, leadGuardItem, leadItem, leadKeys, leadUniques } from './items.ts';
import type { Lead, LeadForm, Routing, ScoringRules } from './schemas.ts';

export type { Page, PageRequest } from '../../shared/db/query.ts';

/** What a failed write collided with: the labels of its transaction's conditions. */
export type LeadConflict = 'EXISTS' | 'VERSION' | 'EMAIL' | 'PHONE';

/** The only DynamoDB access of leads, forms, scoring and routing. Conflicts throw WriteConflict<LeadConflict>. */
export interface LeadRepository {
  getLead(tenantId: string, id: string, consistent?: boolean): Promise<Lead | undefined>;
  /** The lead holding a normalised email or E.164 phone (a consistent read of its guard). */
  leadIdByUnique(tenantId: string, kind: LeadUniqueKind, value: string): Promise<string | undefined>;
  /** The lead, its guards and the events at once; EMAIL / PHONE when another lead holds the value. */
  createLead(tenantId: string, lead: Lead, events: DomainEvent[]): Promise<void>;
  /** Replaces `before` at its version (VERSION), moving the guards of a changed email or phone (EMAIL / PHONE). */
  updateLead(tenantId: string, before: Lead, after: Lead, events: DomainEvent[]): Promise<void>;
  listByStatus(tenantId: string, status: string, page: PageRequest): Promise<Page<Lead>>;
  listByOwner(tenantId: string, ownerId: string, page: PageRequest): Promise<Page<Lead>>;

  createForm(tenantId: string, form: LeadForm, events: DomainEvent[]): Promise<void>;
  getForm(tenantId: string, localId: string): Promise<LeadForm | undefined>;
  listForms(tenantId: string, page: PageRequest): Promise<Page<LeadForm>>;
  /**
   * Counts one submission in a fixed window (conditional UpdateItem ADD): false when the window already holds `limit`.
   * The counter expires with its window.
   */
  countHit(tenantId: string, localId: string, scope: string, window: number, limit: number, expiresAt: number): Promise<boolean>;

  getScoring(tenantId: string): Promise<ScoringRules | undefined>;
  /** Saves rules at `expectedVersion` (0: none saved yet), else VERSION. */
  putScoring(tenantId: string, rules: ScoringRules, expectedVersion: number, events: DomainEvent[]): Promise<void>;
  getRouting(tenantId: string): Promise<(Routing & { turns: number }) | undefined>;
  putRouting(tenantId: string, routing: Routing, expectedVersion: number, events: DomainEvent[]): Promise<void>;
  /** The next round-robin turn: an atomic ADD returning the new count (1 for the first). */
  nextTurn(tenantId: string): Promise<number>;
}

const minus = (a: [LeadUniqueKind, string][], b: [LeadUniqueKind, string][]) =>
  a.filter(([k, v]) => !b.some(([k2, v2]) => k === k2 && v === v2));

/** A single-item config (scoring, routing) written at a version: new when 0, else replaced while still at it. */
const versioned = (item: Record<string, unknown>, expectedVersion: number) =>
  expectedVersion === 0
    ? labelled('VERSION', putNew(item))
    : labelled('VERSION', put(item, '#v = :v', { '#v': 'version' }, { ':v': expectedVersion }));

export const leadRepository: LeadRepository = {
  async getLead(tenantId, id, consistent = false) {
    const item = await getItem(leadKeys.lead(tenantId, id), consistent);
    return item && stripKeys<Lead>(item);
  },

  async leadIdByUnique(tenantId, kind, value) {
    return (await getItem(leadKeys.guard(tenantId, kind, value), true))?.leadId as string | undefined;
  },

  createLead: (tenantId, lead, events) =>
    transact<LeadConflict>(
      [
        labelled('EXISTS', putNew(leadItem(tenantId, lead))),
        ...leadUniques(lead).map(([kind, value]) => labelled(kind, putNew(leadGuardItem(tenantId, kind, value, lead.id)))),
      ],
      events,
    ),

  async updateLead(tenantId, before, after, events) {
    const oldU = leadUniques(before);
    const newU = leadUniques(after);
    await transact<LeadConflict>(
      [
        labelled('VERSION', put(leadItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version })),
        ...minus(oldU, newU).map(([kind, value]) =>
          labelled('VERSION', remove(leadKeys.guard(tenantId, kind, value), 'leadId = :id', { ':id': before.id })),
        ),
        ...minus(newU, oldU).map(([kind, value]) => labelled(kind, putNew(leadGuardItem(tenantId, kind, value, after.id)))),
      ],
      events,
    );
  },

  listByStatus: (tenantId, status, page) =>
    listPage<Lead>({ index: 'GSI1', partition: leadKeys.leadStatusPartition(tenantId, status) }, page),
  listByOwner: (tenantId, ownerId, page) =>
    listPage<Lead>({ index: 'GSI2', partition: leadKeys.leadOwnerPartition(tenantId, ownerId) }, page),

  createForm: (tenantId, form, events) => transact<LeadConflict>([labelled('EXISTS', putNew(formItem(tenantId, form)))], events),

  async getForm(tenantId, localId) {
    const item = await getItem(leadKeys.form(tenantId, localId));
    return item && stripKeys<LeadForm>(item);
  },

  listForms: (tenantId, page) => listPage<LeadForm>({ index: 'GSI1', partition: leadKeys.formListPartition(tenantId) }, page),

  countHit: (tenantId, localId, scope, window, limit, expiresAt) =>
    countWindowHit(leadKeys.formHits(tenantId, localId, scope, window), leadEntities.formHits, limit, expiresAt),

  async getScoring(tenantId) {
    const item = await getItem(leadKeys.scoring(tenantId));
    return item && stripKeys<ScoringRules>(item);
  },

  putScoring: (tenantId, rules, expectedVersion, events) =>
    transact<LeadConflict>([versioned({ ...leadKeys.scoring(tenantId), entity: leadEntities.scoring, ...rules }, expectedVersion)], events),

  async getRouting(tenantId) {
    const item = await getItem(leadKeys.routing(tenantId), true);
    if (!item) return undefined;
    const { turns, ...routing } = stripKeys<Routing & { turns?: number }>(item);
    return { ...routing, turns: Number(turns ?? 0) };
  },

  // The counter lives on the routing item: an UpdateItem of the team leaves `turns` as the concurrent ADDs made it.
  putRouting: (tenantId, routing, expectedVersion, events) =>
    transact<LeadConflict>(
      [
        labelled('VERSION', {
          Update: {
            TableName: tableNameFromEnv(),
            Key: leadKeys.routing(tenantId),
            UpdateExpression: 'SET #e = :e, members = :m, #v = :nv, updatedAt = :u',
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(PK)' : '#v = :v',
            ExpressionAttributeNames: { '#e': 'entity', '#v': 'version' },
            ExpressionAttributeValues: {
              ':e': leadEntities.routing,
              ':m': routing.members,
              ':nv': routing.version,
              ':u': routing.updatedAt,
              ...(expectedVersion === 0 ? {} : { ':v': expectedVersion }),
            },
          },
        }),
      ],
      events,
    ),

  async nextTurn(tenantId) {
    const out = await db().send(
      new UpdateCommand({
        TableName: tableNameFromEnv(),
        Key: leadKeys.routing(tenantId),
        UpdateExpression: 'ADD turns :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.turns);
  },
};
