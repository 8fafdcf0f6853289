import { deleteQueried } from '../../shared/db/batch.ts';
import { dedupeGuard } from '../../shared/db/dedupe-guard.ts';
import type { Page, PageRequest } from '../../shared/db/query.ts';
import { getItem, getItems, listPage, queryPage, queryPages, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { atVersion, labelled, put, putNew, remove, type TransactItem, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { companiesApi } from '../companies/api.ts';
import { contactsApi } from '../contacts/api.ts';
import { dealContactItem, dealEntities, dealItem, dealKeys, pipelineItem, stageChangeItem } from './items.ts';
import type { Deal, Pipeline, StageChange } from './schemas.ts';

export type { Page, PageRequest } from '../../shared/db/query.ts';

/** What a failed write collided with: the labels of its transaction's conditions. */
export type DealConflict = 'EXISTS' | 'VERSION' | 'PIPELINE' | 'IN_USE' | 'CONTACT' | 'COMPANY' | 'DEDUPE';

/** One deal change, written in one transaction with its events. */
export interface DealWrite {
  /** The deal as read (its version is the condition); absent when creating. */
  before?: Deal;
  after: Deal;
  /** The pipeline of `after`, as read: the write fails with PIPELINE when it changed meanwhile (a stage removed). */
  pipeline: Pipeline;
  /** The stage change this write makes, kept as history. */
  stageChange?: StageChange;
  /** Contacts and company newly linked: each must exist (CONTACT, COMPANY). */
  linkedContacts: string[];
  linkedCompany?: string;
  /** A cause this change happens once for (`quote:<id>`): DEDUPE when it made its change already. */
  claim?: string;
}

/** The only DynamoDB access of pipelines and deals. Conflicts throw WriteConflict<DealConflict>. */
export interface DealRepository {
  getPipeline(tenantId: string, id: string, consistent?: boolean): Promise<Pipeline | undefined>;
  listPipelines(tenantId: string, page: PageRequest): Promise<Page<Pipeline>>;
  /** EXISTS when the id is taken. */
  createPipeline(tenantId: string, pipeline: Pipeline, events: DomainEvent[]): Promise<void>;
  /** Replaces `before` at its version (VERSION); each stage of `mustBeEmpty` must hold no deal (IN_USE). */
  updatePipeline(tenantId: string, before: Pipeline, after: Pipeline, mustBeEmpty: string[], events: DomainEvent[]): Promise<void>;
  /** How many deals are in a stage (a consistent GetItem of its counter). */
  stageCount(tenantId: string, pipelineId: string, stageId: string): Promise<number>;

  getDeal(tenantId: string, id: string, consistent?: boolean): Promise<Deal | undefined>;
  getDeals(tenantId: string, ids: string[]): Promise<Deal[]>;
  saveDeal(tenantId: string, write: DealWrite, events: DomainEvent[]): Promise<void>;
  /** Removes the deal at its version (VERSION), its contact links and history; the stage counter follows. */
  deleteDeal(tenantId: string, deal: Deal, events: DomainEvent[]): Promise<void>;
  stageHistory(tenantId: string, dealId: string, page: PageRequest): Promise<Page<StageChange>>;
  /** A board column: one Query. */
  listByStage(tenantId: string, pipelineId: string, stageId: string, page: PageRequest): Promise<Page<Deal>>;
  listByOwner(tenantId: string, ownerId: string, page: PageRequest): Promise<Page<Deal>>;
  dealIdsOfContact(tenantId: string, contactId: string): Promise<string[]>;
  /** Whether a cause made its change of the deal already (a consistent GetItem of its guard). */
  claimed(tenantId: string, dealId: string, claim: string): Promise<boolean>;
}

const changeGuards = dedupeGuard(dealEntities.changeGuard, 'dealId');

const countChange = (tenantId: string, pipelineId: string, stageId: string, by: number): TransactItem => ({
  Update: {
    TableName: tableNameFromEnv(),
    Key: dealKeys.stageCount(tenantId, pipelineId, stageId),
    UpdateExpression: 'SET #e = :e, pipelineId = :p, stageId = :s ADD #n :by',
    ExpressionAttributeNames: { '#e': 'entity', '#n': 'deals' },
    ExpressionAttributeValues: { ':e': dealEntities.stageCount, ':p': pipelineId, ':s': stageId, ':by': by },
  },
});

const pipelineAt = (tenantId: string, p: Pipeline): TransactItem => ({
  ConditionCheck: {
    TableName: tableNameFromEnv(),
    Key: dealKeys.pipeline(tenantId, p.id),
    ConditionExpression: '#v = :v',
    ExpressionAttributeNames: { '#v': 'version' },
    ExpressionAttributeValues: { ':v': p.version },
  },
});

const stageEmpty = (tenantId: string, pipelineId: string, stageId: string): TransactItem => ({
  ConditionCheck: {
    TableName: tableNameFromEnv(),
    Key: dealKeys.stageCount(tenantId, pipelineId, stageId),
    ConditionExpression: 'attribute_not_exists(PK) OR #n <= :zero',
    ExpressionAttributeNames: { '#n': 'deals' },
    ExpressionAttributeValues: { ':zero': 0 },
  },
});

/** The table key of a contact link (its builder also carries the GSI3 attributes). */
const linkKey = (tenantId: string, dealId: string, contactId: string) => {
  const { PK, SK } = dealKeys.dealContact(tenantId, dealId, contactId);
  return { PK, SK };
};

const sameStage = (a: Deal, b: Deal) => a.pipelineId === b.pipelineId && a.stageId === b.stageId;

export const dealRepository: DealRepository = {
  async getPipeline(tenantId, id, consistent = false) {
    const item = await getItem(dealKeys.pipeline(tenantId, id), consistent);
    return item && stripKeys<Pipeline>(item);
  },

  listPipelines: (tenantId, page) => listPage<Pipeline>({ index: 'GSI1', partition: dealKeys.pipelineListPartition(tenantId) }, page),

  createPipeline: (tenantId, pipeline, events) => transact([labelled('EXISTS', putNew(pipelineItem(tenantId, pipeline)))], events),

  updatePipeline: (tenantId, before, after, mustBeEmpty, events) =>
    transact(
      [
        labelled('VERSION', put(pipelineItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version })),
        ...mustBeEmpty.map((stageId) => labelled('IN_USE', stageEmpty(tenantId, before.id, stageId))),
      ],
      events,
    ),

  async stageCount(tenantId, pipelineId, stageId) {
    const item = await getItem(dealKeys.stageCount(tenantId, pipelineId, stageId), true);
    return Number(item?.deals ?? 0);
  },

  async getDeal(tenantId, id, consistent = false) {
    const item = await getItem(dealKeys.deal(tenantId, id), consistent);
    return item && stripKeys<Deal>(item);
  },

  async getDeals(tenantId, ids) {
    return (await getItems(ids.map((id) => dealKeys.deal(tenantId, id)))).map((i) => stripKeys<Deal>(i));
  },

  async saveDeal(tenantId, { before, after, pipeline, stageChange, linkedContacts, linkedCompany, claim }, events) {
    const moved = !before || !sameStage(before, after);
    const removedContacts = before ? before.contactIds.filter((c) => !after.contactIds.includes(c)) : [];
    await transact<DealConflict>(
      [
        before
          ? labelled('VERSION', put(dealItem(tenantId, after), '#v = :v', { '#v': 'version' }, { ':v': before.version }))
          : labelled('EXISTS', putNew(dealItem(tenantId, after))),
        labelled('PIPELINE', pipelineAt(tenantId, pipeline)),
        ...(moved && before ? [labelled('VERSION', countChange(tenantId, before.pipelineId, before.stageId, -1))] : []),
        ...(moved ? [labelled('VERSION', countChange(tenantId, after.pipelineId, after.stageId, 1))] : []),
        ...(stageChange ? [labelled('VERSION', putNew(stageChangeItem(tenantId, stageChange)))] : []),
        ...linkedContacts.map((c) => labelled('VERSION', put(dealContactItem(tenantId, after.id, c)))),
        ...removedContacts.map((c) => labelled('VERSION', remove(linkKey(tenantId, after.id, c)))),
        ...linkedContacts.map((c) => labelled('CONTACT', contactsApi.transactItems.exists(tenantId, c))),
        ...(linkedCompany ? [labelled('COMPANY', companiesApi.existsCondition(tenantId, linkedCompany))] : []),
        ...(claim ? [changeGuards.claim(dealKeys.changeGuard(tenantId, after.id, claim), after.id)] : []),
      ],
      events,
    );
  },

  async deleteDeal(tenantId, deal, events) {
    await transact<DealConflict>(
      [
        labelled('VERSION', remove(dealKeys.deal(tenantId, deal.id), ...atVersion(deal.version))),
        labelled('VERSION', countChange(tenantId, deal.pipelineId, deal.stageId, -1)),
        ...deal.contactIds.map((c) => labelled('VERSION', remove(linkKey(tenantId, deal.id, c)))),
      ],
      events,
    );
    // The history and change guards go after the deal: nothing reads them without the deal, and a repeat is harmless.
    for (const prefix of [dealKeys.stageChangePrefix, dealKeys.changeGuardPrefix])
      await deleteQueried({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :h)',
        ExpressionAttributeValues: { ':pk': dealKeys.dealPartition(tenantId, deal.id), ':h': prefix },
      });
  },

  async stageHistory(tenantId, dealId, page) {
    const partition = dealKeys.dealPartition(tenantId, dealId);
    const out = await queryPage(
      {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :h)',
        ExpressionAttributeValues: { ':pk': partition, ':h': dealKeys.stageChangePrefix },
      },
      { ...page, scope: `${partition}#H` },
    );
    return { items: out.items.map((i) => stripKeys<StageChange>(i)), nextCursor: out.nextCursor };
  },

  listByStage: (tenantId, pipelineId, stageId, page) =>
    listPage<Deal>({ index: 'GSI1', partition: dealKeys.dealStagePartition(tenantId, pipelineId, stageId) }, page),

  listByOwner: (tenantId, ownerId, page) =>
    listPage<Deal>({ index: 'GSI2', partition: dealKeys.dealOwnerPartition(tenantId, ownerId) }, page),

  async dealIdsOfContact(tenantId, contactId) {
    const ids: string[] = [];
    for await (const items of queryPages({
      IndexName: 'GSI3',
      KeyConditionExpression: 'GSI3PK = :pk',
      ExpressionAttributeValues: { ':pk': dealKeys.contactDealsPartition(tenantId, contactId) },
    }))
      ids.push(...items.map((i) => String(i.dealId)));
    return ids;
  },

  claimed: async (tenantId, dealId, claim) => !!(await changeGuards.createdBy(dealKeys.changeGuard(tenantId, dealId, claim))),
};
