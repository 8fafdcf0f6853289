import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/db/client.ts';
import { isConditionFailed } from '../../shared/db/errors.ts';
import { getItem, listPage, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { isWriteConflict, labelled, put, putNew, type TransactItem, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { messagingEntities, messagingKeys } from './items.ts';
import type { Template, TemplateVersion } from './schemas.ts';

/** A conditional update of a template's head, as UpdateItem input. */
const headUpdate = (tenantId: string, id: string, update: string, condition: string, values: Record<string, unknown>) => ({
  TableName: tableNameFromEnv(),
  Key: messagingKeys.template(tenantId, id),
  UpdateExpression: update,
  ConditionExpression: condition,
  ...(condition.includes('#v') ? { ExpressionAttributeNames: { '#v': 'version' } } : {}),
  ExpressionAttributeValues: values,
});

/** A conditional update of a template's head; a failed condition means someone changed or deleted it meanwhile. */
const updateHead = async (tenantId: string, id: string, update: string, condition: string, values: Record<string, unknown>) => {
  try {
    await db().send(new UpdateCommand(headUpdate(tenantId, id, update, condition, values)));
  } catch (error) {
    if (isConditionFailed(error)) throw new TemplateChanged();
    throw error;
  }
};

/** A journey that sends a template, as a refused delete names it. */
export interface TemplateUse {
  id: string;
  name: string;
  status: string;
}

/** The template changed (or went) since it was read. */
export class TemplateChanged extends Error {}

const headItem = (tenantId: string, t: Template) => ({
  ...messagingKeys.template(tenantId, t.id),
  ...messagingKeys.templateList(tenantId, t.id),
  entity: messagingEntities.template,
  ...t,
});

const versionItem = (tenantId: string, t: Template) => {
  const { updatedAt: _, deletedAt: __, ...version } = t;
  return {
    ...messagingKeys.templateVersion(tenantId, t.id, t.version),
    entity: messagingEntities.templateVersion,
    ...version,
    createdAt: t.updatedAt,
  };
};

/** The template's items with its event in one transaction; any failed condition means it changed or went meanwhile. */
const write = async (items: TransactItem[], event: DomainEvent) => {
  try {
    await transact(
      items.map((item) => labelled('TEMPLATE', item)),
      [event],
    );
  } catch (error) {
    if (isWriteConflict(error)) throw new TemplateChanged();
    throw error;
  }
};

/** Templates and their versions; a failed condition throws TemplateChanged, and every change writes its template.* event with it. */
export interface TemplateRepository {
  head(tenantId: string, id: string, consistent?: boolean): Promise<Template | undefined>;
  version(tenantId: string, id: string, version: number): Promise<TemplateVersion | undefined>;
  create(tenantId: string, t: Template, event: DomainEvent): Promise<void>;
  update(tenantId: string, before: Template, after: Template, event: DomainEvent): Promise<void>;
  usedBy(tenantId: string, id: string): Promise<TemplateUse[]>;
  claimDelete(tenantId: string, t: Template, at: string): Promise<void>;
  releaseDelete(tenantId: string, t: Template, at: string): Promise<void>;
  delete(tenantId: string, t: Template, at: string, event: DomainEvent): Promise<void>;
  list(tenantId: string, limit: number, cursor?: string): Promise<{ items: Template[]; nextCursor?: string }>;
}

/**
 * Templates: a head item holding the latest version (what GET and unpinned
 * sends read) and one immutable item per version beside it, so runs pinned to
 * a version keep rendering it after edits, and after the template is deleted.
 */
export const templateStore = {
  /** The template's head, deleted ones included (they carry deletedAt); a delete's `deleting` mark stays in the store. */
  async head(tenantId: string, id: string, consistent = false): Promise<Template | undefined> {
    const item = await getItem(messagingKeys.template(tenantId, id), consistent);
    if (!item) return undefined;
    const { deleting: _, ...head } = stripKeys<Template & { deleting?: string }>(item);
    return head;
  },

  async version(tenantId: string, id: string, version: number): Promise<TemplateVersion | undefined> {
    const item = await getItem(messagingKeys.templateVersion(tenantId, id, version));
    return item && stripKeys<TemplateVersion>(item);
  },

  /** Version 1 with template.created. */
  async create(tenantId: string, t: Template, event: DomainEvent) {
    await write([putNew(headItem(tenantId, t)), putNew(versionItem(tenantId, t))], event);
  },

  /** The next version: the head moves on if nobody else moved it meanwhile, the new version is added beside it. */
  async update(tenantId: string, before: Template, after: Template, event: DomainEvent) {
    const head = put(
      headItem(tenantId, after),
      '#v = :v AND attribute_not_exists(deletedAt)',
      { '#v': 'version' },
      { ':v': before.version },
    );
    await write([head, putNew(versionItem(tenantId, after))], event);
  },

  /** The active and paused journeys that send the template (the journeys context keeps these references). */
  async usedBy(tenantId: string, id: string): Promise<TemplateUse[]> {
    const { PK } = messagingKeys.template(tenantId, id);
    const page = await db().send(
      new QueryCommand({
        TableName: tableNameFromEnv(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :use)',
        ExpressionAttributeValues: { ':pk': PK, ':use': messagingKeys.templateUsePrefix },
        ProjectionExpression: 'journeyId, journeyName, #status',
        ExpressionAttributeNames: { '#status': 'status' },
        ConsistentRead: true,
      }),
    );
    return (page.Items ?? []).map((i) => ({ id: String(i.journeyId), name: String(i.journeyName), status: String(i.status) }));
  },

  /**
   * First step of a delete: marks the head `deleting`, so a journey saved from
   * now on cannot start sending it (see the journeys' template check); only
   * then are the references read, which closes the race with an activation.
   */
  async claimDelete(tenantId: string, t: Template, at: string) {
    await updateHead(tenantId, t.id, 'SET deleting = :at', '#v = :v AND attribute_not_exists(deletedAt)', { ':v': t.version, ':at': at });
  },

  /** A refused delete gives the template back to journeys. */
  async releaseDelete(tenantId: string, t: Template, at: string) {
    await updateHead(tenantId, t.id, 'REMOVE deleting', 'deleting = :at', { ':at': at }).catch((error: unknown) => {
      if (!(error instanceof TemplateChanged)) throw error;
    });
  },

  /** Marks the head deleted and takes it off the list; the versions stay for runs pinned to them. */
  async delete(tenantId: string, t: Template, at: string, event: DomainEvent) {
    const update = headUpdate(
      tenantId,
      t.id,
      'SET deletedAt = :at, updatedAt = :at REMOVE deleting, GSI1PK, GSI1SK',
      '#v = :v AND deleting = :at',
      {
        ':v': t.version,
        ':at': at,
      },
    );
    await write([{ Update: update }], event);
  },

  async list(tenantId: string, limit: number, cursor?: string) {
    return listPage<Template>({ index: 'GSI1', partition: messagingKeys.templateListPartition(tenantId) }, { limit, cursor });
  },
} satisfies TemplateRepository;
