import { systemActor } from '../../shared/domain/actor.ts';
import { clock } from '../../shared/ports/clock.ts';
import { scheduler } from '../../shared/ports/scheduler.ts';
import { contactsApi } from '../contacts/api.ts';
import { messagingApi } from '../messaging/api.ts';
import { ticketsApi } from '../tickets/api.ts';
import { slaRepository } from './repository.ts';
import { type NotifyRequest, ticketSla } from './ticket-sla.ts';

/** The contact holding an address, made through the contact dedupe when there is none (a team lead gets mail as a contact). */
const contactFor = async (tenantId: string, email: string) => {
  const found = await contactsApi.findByEmail({ tenantId, email });
  if (found) return found.id;
  try {
    return (await contactsApi.create({ tenantId, input: { email }, actor: systemActor('sla') })).id;
  } catch (error) {
    // Another escalation made it meanwhile: the dedupe guard refused the second.
    const made = await contactsApi.findByEmail({ tenantId, email });
    if (made) return made.id;
    throw error;
  }
};

const notify = async ({ tenantId, email, subject, text, dedupeKey }: NotifyRequest) => {
  const contactId = await contactFor(tenantId, email);
  const outcome = await messagingApi.send({
    tenantId,
    contactId,
    channel: 'email',
    purpose: 'transactional',
    content: { subject, text },
    dedupeKey,
  });
  if (outcome.status === 'failed') throw new Error(`escalation email to ${email} failed: ${outcome.reason}`);
};

/** The SLA lifecycle on the real table, scheduler, clock, tickets, contacts and messaging. */
export const liveTicketSla = () =>
  ticketSla({
    repo: slaRepository,
    scheduler: scheduler(),
    clock: clock(),
    tickets: ticketsApi,
    tierOf: async (tenantId, contactId) => {
      const tier = (await contactsApi.get({ tenantId, contactId }))?.attributes?.tier;
      return tier === undefined || tier === null ? undefined : String(tier);
    },
    notify,
  });
