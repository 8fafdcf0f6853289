import { config, getSigningSecret } from '../../shared/config.ts';
import { contactsApi } from '../contacts/api.ts';
import { ticketsApi } from '../tickets/api.ts';
import type { IntakePorts, MailRouting } from './service.ts';

/** What intake asks of tickets and contacts: only through their APIs. */
export const intakePorts: IntakePorts = {
  tickets: {
    open: (input) => ticketsApi.open(input),
    reply: (input) => ticketsApi.reply(input),
    byReference: (input) => ticketsApi.byReference(input),
  },
  contacts: contactsApi,
  signingKey: getSigningSecret,
};

/** INBOUND_EMAIL_DOMAIN and INBOUND_EMAIL_TENANTS, read on use. */
export const mailRouting = (): MailRouting => ({ domain: config.INBOUND_EMAIL_DOMAIN, addresses: config.INBOUND_EMAIL_TENANTS });
