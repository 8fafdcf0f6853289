import { config, getSigningSecret } from '../../shared/config.ts';
import { contactsApi } from '../contacts/api.ts';
import { type Ticket, ticketsApi } from '../tickets/api.ts';
import type { IntakePorts, MailRouting } from './service.ts';

type ByReference = IntakePorts['tickets']['byReference'];

/**
 * The ticket with a human reference: ticketsApi.byReference. Until tickets
 * answers it, a subject reference threads nothing and In-Reply-To/References
 * still do.
 */
const byReference: ByReference = (input) => {
  const member = (ticketsApi as { byReference?: (i: { tenantId: string; reference: string }) => Promise<Ticket | undefined> }).byReference;
  return member ? member(input) : Promise.resolve(undefined);
};

/** What intake asks of tickets and contacts: only through their APIs. */
export const intakePorts: IntakePorts = {
  tickets: { open: (input) => ticketsApi.open(input), reply: (input) => ticketsApi.reply(input), byReference },
  contacts: contactsApi,
  signingKey: getSigningSecret,
};

/** INBOUND_EMAIL_DOMAIN and INBOUND_EMAIL_TENANTS, read on use. */
export const mailRouting = (): MailRouting => ({ domain: config.INBOUND_EMAIL_DOMAIN, addresses: config.INBOUND_EMAIL_TENANTS });
