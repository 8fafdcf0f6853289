import { getItem } from '../../shared/db/query.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { labelled, put, putNew, type TransactItem, transact } from '../../shared/db/transact.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { countWindowHit } from '../../shared/http/rate-limit.ts';
import { portalEntities, portalKeys } from './items.ts';

/** A contact as a portal customer. */
export interface PortalCustomer {
  contactId: string;
  /** Raised by a sign-out: every session issued at a lower version stops working. */
  sessionVersion: number;
  firstSignInAt: string;
  lastSignInAt: string;
}

export type SignInConflict = 'USED' | 'CUSTOMER';

export interface PortalRepository {
  /** Counts one sign-in request in a fixed window; false (and nothing counted) once `limit` is reached. */
  countSignIn(tenantId: string, scope: string, window: number, limit: number, expiresAt: number): Promise<boolean>;
  getCustomer(tenantId: string, contactId: string, consistent?: boolean): Promise<PortalCustomer | undefined>;
  /**
   * Uses a sign-in link once and records the sign-in: the link's use
   * (USED when it was used before) and the customer at the version read
   * (CUSTOMER when a sign-out moved it meanwhile), with the event, in one transaction.
   */
  signIn(
    tenantId: string,
    link: { linkId: string; expiresAt: number },
    customer: PortalCustomer,
    readVersion: number | undefined,
    events: DomainEvent[],
  ): Promise<void>;
  /** Raises the customer's session version (signs every session out), with the event. */
  signOut(tenantId: string, contactId: string, events: DomainEvent[]): Promise<void>;
}

export const portalRepository: PortalRepository = {
  countSignIn: (tenantId, scope, window, limit, expiresAt) =>
    countWindowHit(portalKeys.signInHits(tenantId, scope, window), portalEntities.signInHits, limit, expiresAt),

  async getCustomer(tenantId, contactId, consistent = false) {
    const item = await getItem(portalKeys.customer(tenantId, contactId), consistent);
    return item
      ? {
          contactId: String(item.contactId),
          sessionVersion: Number(item.sessionVersion),
          firstSignInAt: String(item.firstSignInAt),
          lastSignInAt: String(item.lastSignInAt),
        }
      : undefined;
  },

  async signIn(tenantId, link, customer, readVersion, events) {
    const item = { ...portalKeys.customer(tenantId, customer.contactId), entity: portalEntities.customer, ...customer };
    await transact<SignInConflict>(
      [
        labelled(
          'USED',
          putNew({ ...portalKeys.linkUse(tenantId, link.linkId), entity: portalEntities.linkUse, expiresAt: link.expiresAt }),
        ),
        labelled(
          'CUSTOMER',
          readVersion === undefined ? putNew(item) : put(item, '#sv = :sv', { '#sv': 'sessionVersion' }, { ':sv': readVersion }),
        ),
      ],
      events,
    );
  },

  async signOut(tenantId, contactId, events) {
    const raise: TransactItem = {
      Update: {
        TableName: tableNameFromEnv(),
        Key: portalKeys.customer(tenantId, contactId),
        UpdateExpression: 'ADD sessionVersion :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':one': 1 },
      },
    };
    await transact([labelled('CUSTOMER', raise)], events);
  },
};
