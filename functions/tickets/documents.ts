import { isWriteConflict } from '../../shared/db/transact.ts';
import { conflict, preconditionFailed } from '../../shared/errors.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import { clock } from '../../shared/ports/clock.ts';
import { defaultRules } from './classify.ts';
import type { TicketRepository } from './repository.ts';
import type { TicketRule, TicketRules, TicketSettings } from './schemas.ts';

export const defaultReopenWindowDays = 7;

/**
 * A tenant's classification rules and ticket settings: one item each, the
 * defaults (version 0) until first replaced. PUT takes If-Match; without it,
 * a concurrent replacement is a 409.
 */
export const documents = (repo: TicketRepository) => {
  const rules = async (tenantId: string, consistent = false): Promise<TicketRules> =>
    (await repo.getDocument<TicketRules>(tenantId, 'rules', consistent)) ?? { rules: defaultRules, version: 0 };

  const settings = async (tenantId: string, consistent = false): Promise<TicketSettings> =>
    (await repo.getDocument<TicketSettings>(tenantId, 'settings', consistent)) ?? {
      reopenWindowDays: defaultReopenWindowDays,
      version: 0,
    };

  const replace = async <T extends { version: number }>(
    tenantId: string,
    which: 'rules' | 'settings',
    current: T,
    next: Omit<T, 'version' | 'updatedAt'>,
    ifMatch: number | undefined,
  ): Promise<T> => {
    if (ifMatch !== undefined && ifMatch !== current.version) throw preconditionFailed();
    const doc = { ...next, version: current.version + 1, updatedAt: clock().now().toISOString() } as unknown as T;
    const event =
      which === 'rules'
        ? domainEvent(tenantId, 'tickets.rules_updated', {
            version: doc.version,
            rules: (next as unknown as { rules: TicketRule[] }).rules.map((r) => r.name),
          })
        : domainEvent(tenantId, 'tickets.settings_updated', { version: doc.version });
    try {
      await repo.putDocument(tenantId, which, doc, current.version, [event]);
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
      if (ifMatch !== undefined) throw preconditionFailed();
      throw conflict('it changed meanwhile: read it again and send If-Match');
    }
    return doc;
  };

  return {
    rules,
    settings,
    replaceRules: async (tenantId: string, list: TicketRule[], ifMatch: number | undefined) =>
      replace<TicketRules>(tenantId, 'rules', await rules(tenantId, true), { rules: list }, ifMatch),
    replaceSettings: async (tenantId: string, input: { reopenWindowDays: number }, ifMatch: number | undefined) =>
      replace<TicketSettings>(tenantId, 'settings', await settings(tenantId, true), input, ifMatch),
  };
};
