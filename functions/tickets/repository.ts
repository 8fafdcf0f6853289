import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { acceptedPage } from '../../shared/db/accepted-page.ts';
import { db } from '../../shared/db/client.ts';
import { dedupeGuard } from '../../shared/db/dedupe-guard.ts';
import type { Page, PageRequest } from '../../shared/db/query.ts';
import { getItem, queryPage, stripKeys } from '../../shared/db/query.ts';
import type { IndexName } from '../../shared/db/table.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { isWriteConflict, type Labelled, labelled, put, putNew, remove, type TransactItem, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { contactsApi } from '../contacts/api.ts';
import { messageItem, slaItem, teamEntryItem, ticketEntities, ticketItem, ticketKeys } from './items.ts';
import type { Ticket, TicketMessage, TicketSla } from './schemas.ts';

export type { Page, PageRequest } from '../../shared/db/query.ts';

/** What a failed write collided with: the labels of its transaction's conditions. */
export type TicketConflict = 'EXISTS' | 'VERSION' | 'DEDUPE' | 'CONTACT';

/** One ticket change, written in one transaction with its events. */
export interface TicketWrite {
  /** The ticket as read (its version is the condition); absent when opening. */
  before?: Ticket;
  after: Ticket;
  /** A message the change adds to the conversation. */
  message?: TicketMessage;
  /** The source message id that opened the ticket (guard: DEDUPE). */
  ticketSource?: string;
  /** The source message id of `message` (guard: DEDUPE). */
  messageSource?: string;
  /** Contact that must still exist (CONTACT): set when opening. */
  contactId?: string;
}

export interface TicketFilter {
  status?: string;
  assigneeId?: string;
  teamId?: string;
}

/** The only DynamoDB access of tickets. Conflicts throw WriteConflict<TicketConflict>. */
export interface TicketRepository {
  /** The ticket with its SLA snapshot (one Query of its partition's `T` items). */
  getTicket(tenantId: string, id: string, consistent?: boolean): Promise<Ticket | undefined>;
  /** The next reference number of the tenant (1001, 1002, …): an atomic counter. */
  nextReference(tenantId: string): Promise<number>;
  saveTicket(tenantId: string, write: TicketWrite, events: DomainEvent[]): Promise<void>;
  /** The ticket a source message opened. */
  ticketOfSource(tenantId: string, sourceMessageId: string): Promise<string | undefined>;
  /** The id of the ticket with this reference (T-1042). */
  ticketOfReference(tenantId: string, reference: string): Promise<string | undefined>;
  /** The `ticketId/messageId` a source message added. */
  messageOfSource(tenantId: string, sourceMessageId: string): Promise<string | undefined>;
  getMessage(tenantId: string, ticketId: string, messageId: string): Promise<TicketMessage | undefined>;
  conversation(tenantId: string, ticketId: string, publicOnly: boolean, page: PageRequest): Promise<Page<TicketMessage>>;
  ofContact(tenantId: string, contactId: string, page: PageRequest): Promise<Page<Ticket>>;
  /** One index (assignee, else team, else status) read, the other filters applied to what it reads. */
  list(tenantId: string, filter: TicketFilter, page: PageRequest): Promise<Page<Ticket>>;
  /** Writes the snapshot unless a newer revision is stored; false when the ticket does not exist or the snapshot is stale. */
  recordSla(tenantId: string, ticketId: string, sla: TicketSla): Promise<boolean>;
  /** A settings-like document (rules, settings): undefined until first stored. */
  getDocument<T>(tenantId: string, which: 'rules' | 'settings', consistent?: boolean): Promise<(T & { version: number }) | undefined>;
  /** Replaces it if still at `seenVersion` (0: never stored); VERSION otherwise. */
  putDocument<T extends object>(
    tenantId: string,
    which: 'rules' | 'settings',
    doc: T & { version: number },
    seenVersion: number,
    events: DomainEvent[],
  ): Promise<void>;
}

const sources = dedupeGuard(ticketEntities.source, 'ticketId');
const messageSources = dedupeGuard(ticketEntities.messageSource, 'ref');
const references = dedupeGuard(ticketEntities.reference, 'ticketId');

const versionOf = (before: Ticket) => ['#v = :v', { '#v': 'version' }, { ':v': before.version }] as const;

const teamWrites = (tenantId: string, { before, after }: TicketWrite): Labelled<TicketConflict>[] => {
  if (after.teamId) return [labelled('VERSION', put(teamEntryItem(tenantId, { ...after, teamId: after.teamId })))];
  if (before?.teamId) return [labelled('VERSION', remove(ticketKeys.teamEntry(tenantId, after.id)))];
  return [];
};

const indexFor = (tenantId: string, f: TicketFilter): { index: IndexName; partition: string } => {
  if (f.assigneeId) return { index: 'GSI3', partition: ticketKeys.assigneePartition(tenantId, f.assigneeId) };
  if (f.teamId) return { index: 'GSI1', partition: ticketKeys.teamPartition(tenantId, f.teamId) };
  return { index: 'GSI2', partition: ticketKeys.statusPartition(tenantId, f.status!) };
};

const matches = (t: Ticket, f: TicketFilter) =>
  (!f.status || t.status === f.status) && (!f.assigneeId || t.assigneeId === f.assigneeId) && (!f.teamId || t.teamId === f.teamId);

const partitionKeyOf: Record<IndexName, string> = { GSI1: 'GSI1PK', GSI2: 'GSI2PK', GSI3: 'GSI3PK' };

export const ticketRepository: TicketRepository = {
  async getTicket(tenantId, id, consistent = false) {
    const out = await db().send(
      new QueryCommand({
        TableName: tableNameFromEnv(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :t)',
        ExpressionAttributeValues: { ':pk': ticketKeys.ticketPartition(tenantId, id), ':t': ticketKeys.ticketPrefix },
        ConsistentRead: consistent,
      }),
    );
    const items = out.Items ?? [];
    const ticket = items.find((i) => i.entity === ticketEntities.ticket);
    if (!ticket) return undefined;
    const sla = items.find((i) => i.entity === ticketEntities.sla)?.sla as TicketSla | undefined;
    return { ...stripKeys<Ticket>(ticket), ...(sla && { sla }) };
  },

  async nextReference(tenantId) {
    const out = await db().send(
      new UpdateCommand({
        TableName: tableNameFromEnv(),
        Key: ticketKeys.counter(tenantId),
        UpdateExpression: 'SET #e = :e ADD #n :one',
        ExpressionAttributeNames: { '#e': 'entity', '#n': 'last' },
        ExpressionAttributeValues: { ':e': ticketEntities.counter, ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return 1000 + Number(out.Attributes?.last);
  },

  async saveTicket(tenantId, write, events) {
    const { before, after, message, ticketSource, messageSource, contactId } = write;
    const contacts = contactId ? contactsApi : undefined;
    const items: Labelled<TicketConflict>[] = [
      before
        ? labelled('VERSION', put(ticketItem(tenantId, after), ...versionOf(before)))
        : labelled('EXISTS', putNew(ticketItem(tenantId, after))),
      ...teamWrites(tenantId, write),
      ...(message ? [labelled<TicketConflict>('EXISTS', putNew(messageItem(tenantId, message)))] : []),
      ...(ticketSource ? [sources.claim(ticketKeys.source(tenantId, ticketSource), after.id)] : []),
      ...(before ? [] : [references.claim(ticketKeys.reference(tenantId, after.reference), after.id)]),
      ...(messageSource && message
        ? [messageSources.claim(ticketKeys.messageSource(tenantId, messageSource), `${message.ticketId}/${message.id}`)]
        : []),
      ...(contactId && contacts ? [labelled<TicketConflict>('CONTACT', contacts.transactItems.exists(tenantId, contactId))] : []),
    ];
    await transact<TicketConflict>(items, events);
  },

  ticketOfSource: (tenantId, sourceMessageId) => sources.createdBy(ticketKeys.source(tenantId, sourceMessageId)),
  ticketOfReference: (tenantId, reference) => references.createdBy(ticketKeys.reference(tenantId, reference)),
  messageOfSource: (tenantId, sourceMessageId) => messageSources.createdBy(ticketKeys.messageSource(tenantId, sourceMessageId)),

  async getMessage(tenantId, ticketId, messageId) {
    const item = await getItem(ticketKeys.message(tenantId, ticketId, messageId), true);
    return item && stripKeys<TicketMessage>(item);
  },

  async conversation(tenantId, ticketId, publicOnly, page) {
    const partition = ticketKeys.ticketPartition(tenantId, ticketId);
    const input = {
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
      ExpressionAttributeValues: { ':pk': partition, ':m': ticketKeys.messagePrefix },
      ScanIndexForward: true,
    };
    if (!publicOnly) {
      const out = await queryPage(input, { ...page, scope: `${partition}#M` });
      return { items: out.items.map((i) => stripKeys<TicketMessage>(i)), nextCursor: out.nextCursor };
    }
    return acceptedPage<TicketMessage>(input, { ...page, scope: `${partition}#M#public` }, async (items) =>
      items.map((i) => (i.public === true ? stripKeys<TicketMessage>(i) : undefined)),
    );
  },

  async ofContact(tenantId, contactId, page) {
    const partition = ticketKeys.contactPartition(tenantId, contactId);
    const out = await queryPage(
      {
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
      },
      { ...page, scope: partition },
    );
    return { items: out.items.map((i) => stripKeys<Ticket>(i)), nextCursor: out.nextCursor };
  },

  async list(tenantId, filter, page) {
    const { index, partition } = indexFor(tenantId, filter);
    const scope = `${partition}#${filter.status ?? ''}#${filter.assigneeId ?? ''}#${filter.teamId ?? ''}`;
    return acceptedPage<Ticket>(
      {
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partitionKeyOf[index] },
        ExpressionAttributeValues: { ':pk': partition },
      },
      { ...page, scope },
      async (items) =>
        items.map((i) => {
          const t = stripKeys<Ticket>(i);
          return matches(t, filter) ? t : undefined;
        }),
    );
  },

  async recordSla(tenantId, ticketId, sla) {
    const exists: TransactItem = {
      ConditionCheck: {
        TableName: tableNameFromEnv(),
        Key: ticketKeys.ticket(tenantId, ticketId),
        ConditionExpression: 'attribute_exists(PK)',
      },
    };
    try {
      await transact(
        [
          labelled(
            'STALE',
            put(
              slaItem(tenantId, ticketId, sla),
              'attribute_not_exists(PK) OR #s.#r < :r',
              { '#s': 'sla', '#r': 'revision' },
              { ':r': sla.revision },
            ),
          ),
          labelled('MISSING', exists),
        ],
        [],
      );
      return true;
    } catch (error) {
      if (isWriteConflict(error)) return false;
      throw error;
    }
  },

  async getDocument<T>(tenantId: string, which: 'rules' | 'settings', consistent = false) {
    const item = await getItem(ticketKeys[which](tenantId), consistent);
    return item && stripKeys<T & { version: number }>(item);
  },

  async putDocument(tenantId, which, doc, seenVersion, events) {
    const item = { ...ticketKeys[which](tenantId), entity: ticketEntities[which], ...doc };
    const write = seenVersion === 0 ? putNew(item) : put(item, '#v = :v', { '#v': 'version' }, { ':v': seenVersion });
    await transact<TicketConflict>([labelled('VERSION', write)], events);
  },
};
