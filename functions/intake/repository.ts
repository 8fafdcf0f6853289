import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/db/client.ts';
import { isConditionFailed } from '../../shared/db/errors.ts';
import type { Page, PageRequest } from '../../shared/db/query.ts';
import { getItem, listPage, stripKeys } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { labelled, putNew, remove, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { countWindowHit } from '../../shared/http/rate-limit.ts';
import { formItem, intakeEntities, intakeKeys, integrationItem } from './items.ts';
import type { TicketForm, TicketIntegration } from './schemas.ts';

export type { Page, PageRequest } from '../../shared/db/query.ts';

/** What a failed write collided with: the labels of its transaction's conditions. */
export type IntakeConflict = 'EXISTS' | 'VERSION';

/** Where a received message went: its ticket and, for a reply, the message it became. */
export interface Landed {
  ticketId: string;
  messageId?: string;
}

/**
 * The only DynamoDB access of intake: what it received (by Message-ID or the
 * source's message id), the conversations of integrations, integrations and
 * ticket forms. Conflicts throw WriteConflict<IntakeConflict>.
 */
export interface IntakeRepository {
  /** The ticket a Message-ID landed on (received, or sent by tickets), strongly consistent. */
  mailTicket(tenantId: string, messageId: string): Promise<Landed | undefined>;
  /** Records where a Message-ID landed; the first record stays (a redelivery writes nothing). */
  recordMail(tenantId: string, messageId: string, landed: Landed): Promise<void>;
  sourceTicket(tenantId: string, integrationId: string, sourceMessageId: string): Promise<Landed | undefined>;
  recordSource(tenantId: string, integrationId: string, sourceMessageId: string, landed: Landed): Promise<void>;
  threadTicket(tenantId: string, integrationId: string, threadId: string): Promise<string | undefined>;
  /** The ticket of a conversation: the first recorded wins, and is returned. */
  recordThread(tenantId: string, integrationId: string, threadId: string, ticketId: string): Promise<string>;

  createIntegration(tenantId: string, integration: TicketIntegration, events: DomainEvent[]): Promise<void>;
  getIntegration(tenantId: string, localId: string): Promise<TicketIntegration | undefined>;
  listIntegrations(tenantId: string, page: PageRequest): Promise<Page<TicketIntegration>>;
  /** Removes it while still at its version (VERSION). */
  deleteIntegration(tenantId: string, integration: TicketIntegration, events: DomainEvent[]): Promise<void>;

  createForm(tenantId: string, form: TicketForm, events: DomainEvent[]): Promise<void>;
  getForm(tenantId: string, localId: string): Promise<TicketForm | undefined>;
  listForms(tenantId: string, page: PageRequest): Promise<Page<TicketForm>>;
  /** Counts one submission in a fixed window (shared/http/rate-limit.ts): false when the window already holds `limit`. */
  countHit(tenantId: string, localId: string, scope: string, window: number, limit: number, expiresAt: number): Promise<boolean>;
}

const landedOf = (item: Record<string, unknown> | undefined): Landed | undefined =>
  item && { ticketId: String(item.ticketId), ...(item.messageId ? { messageId: String(item.messageId) } : {}) };

/** A put that only creates: false when the item was already there. */
const putOnce = async (item: Record<string, unknown>): Promise<boolean> => {
  try {
    await db().send(new PutCommand({ TableName: tableNameFromEnv(), Item: item, ConditionExpression: 'attribute_not_exists(PK)' }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
};

export const intakeRepository: IntakeRepository = {
  mailTicket: async (tenantId, messageId) => landedOf(await getItem(intakeKeys.mail(tenantId, messageId), true)),
  async recordMail(tenantId, messageId, landed) {
    await putOnce({
      ...intakeKeys.mail(tenantId, messageId),
      entity: intakeEntities.mail,
      messageIdHeader: messageId.slice(0, 1000),
      ...landed,
    });
  },
  sourceTicket: async (tenantId, integrationId, sourceMessageId) =>
    landedOf(await getItem(intakeKeys.source(tenantId, integrationId, sourceMessageId), true)),
  async recordSource(tenantId, integrationId, sourceMessageId, landed) {
    await putOnce({ ...intakeKeys.source(tenantId, integrationId, sourceMessageId), entity: intakeEntities.source, ...landed });
  },
  threadTicket: async (tenantId, integrationId, threadId) =>
    (await getItem(intakeKeys.thread(tenantId, integrationId, threadId), true))?.ticketId as string | undefined,
  async recordThread(tenantId, integrationId, threadId, ticketId) {
    const key = intakeKeys.thread(tenantId, integrationId, threadId);
    if (await putOnce({ ...key, entity: intakeEntities.thread, ticketId })) return ticketId;
    return String((await getItem(key, true))?.ticketId);
  },

  createIntegration: (tenantId, integration, events) =>
    transact<IntakeConflict>([labelled('EXISTS', putNew(integrationItem(tenantId, integration)))], events),
  async getIntegration(tenantId, localId) {
    const item = await getItem(intakeKeys.integration(tenantId, localId), true);
    return item && stripKeys<TicketIntegration>(item);
  },
  listIntegrations: (tenantId, page) =>
    listPage<TicketIntegration>({ index: 'GSI1', partition: intakeKeys.integrationListPartition(tenantId) }, page),
  deleteIntegration: (tenantId, integration, events) =>
    transact<IntakeConflict>(
      [
        labelled(
          'VERSION',
          remove(intakeKeys.integration(tenantId, integration.localId), '#v = :v', { ':v': integration.version }, { '#v': 'version' }),
        ),
      ],
      events,
    ),

  createForm: (tenantId, form, events) => transact<IntakeConflict>([labelled('EXISTS', putNew(formItem(tenantId, form)))], events),
  async getForm(tenantId, localId) {
    const item = await getItem(intakeKeys.form(tenantId, localId));
    return item && stripKeys<TicketForm>(item);
  },
  listForms: (tenantId, page) => listPage<TicketForm>({ index: 'GSI1', partition: intakeKeys.formListPartition(tenantId) }, page),
  countHit: (tenantId, localId, scope, window, limit, expiresAt) =>
    countWindowHit(intakeKeys.formHits(tenantId, localId, scope, window), intakeEntities.formHits, limit, expiresAt),
};
