import { type Actor, systemActor, userActor } from '../../shared/domain/actor.ts';
import type { ActivityInput } from '../activities/api.ts';
import type { Content, SendOutcome, SendRequest } from '../messaging/api.ts';
import type { Ticket, TicketMessage } from './schemas.ts';

/** What a conversation message causes outside tickets: a timeline entry, and for an agent's public reply an email. */
export interface ConversationPorts {
  message(tenantId: string, ticketId: string, messageId: string): Promise<TicketMessage | undefined>;
  firstMessage(tenantId: string, ticketId: string): Promise<TicketMessage | undefined>;
  ticket(tenantId: string, ticketId: string): Promise<Ticket | undefined>;
  record(input: {
    tenantId: string;
    contactId: string;
    entry: ActivityInput;
    actor: Actor;
    engages?: boolean;
    dedupeKey?: string;
  }): Promise<unknown>;
  send(request: SendRequest): Promise<SendOutcome>;
}

/** The agent's reply as the customer receives it: the reference in the subject lets a reply by email thread back. */
export const replyEmail: Content = {
  subject: '[{{ reference }}] Re: {{ ticketSubject }}',
  text: '{{ body }}\n\n--\nReference {{ reference }}: reply to this email to continue the conversation.',
  html: [
    '<div style="font:15px/1.5 sans-serif;color:#111;max-width:640px">',
    '<div style="white-space:pre-wrap">{{ body }}</div>',
    '<p style="font-size:12px;color:#555">Reference {{ reference }}: reply to this email to continue the conversation.</p>',
    '</div>',
  ].join('\n'),
};

const excerpt = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The timeline entry of a conversation message: an internal note is a note flagged internal. */
export const timelineEntry = (ticket: Ticket, m: TicketMessage): ActivityInput => ({
  type: m.public ? (m.channel === 'email' ? 'email' : 'message') : 'note',
  ...(m.public && { direction: m.author === 'customer' ? 'inbound' : 'outbound' }),
  occurredAt: m.createdAt,
  subject: excerpt(`[${ticket.reference}] ${ticket.subject}`, 300),
  body: excerpt(m.body, 20_000),
  metadata: {
    ticketId: ticket.id,
    reference: ticket.reference,
    messageId: m.id,
    internal: !m.public,
    author: m.author,
  },
});

const authorActor = (m: TicketMessage) => (m.author === 'agent' ? userActor(m.authorId) : systemActor('tickets', m.ticketId));

export const conversationEffects = (ports: ConversationPorts) => {
  const onMessage = async (tenantId: string, ticket: Ticket, m: TicketMessage) => {
    await ports.record({
      tenantId,
      contactId: ticket.contactId,
      entry: timelineEntry(ticket, m),
      actor: authorActor(m),
      engages: m.author === 'customer',
      dedupeKey: `ticket-message.${m.id}`,
    });
    if (m.author !== 'agent' || !m.public) return;
    const outcome = await ports.send({
      tenantId,
      contactId: ticket.contactId,
      channel: 'email',
      purpose: 'transactional',
      content: replyEmail,
      variables: { reference: ticket.reference, ticketSubject: ticket.subject, body: m.body },
      dedupeKey: `ticket-reply.${m.id}`,
    });
    if (outcome.status === 'failed') throw new Error(`the reply email failed: ${outcome.reason}`);
  };

  return {
    /** ticket.replied: the message's timeline entry, and the email of an agent's public reply. Idempotent by message id. */
    async replied(tenantId: string, ticketId: string, messageId: string) {
      const [ticket, message] = await Promise.all([ports.ticket(tenantId, ticketId), ports.message(tenantId, ticketId, messageId)]);
      if (ticket && message) await onMessage(tenantId, ticket, message);
    },
    /** ticket.created: the customer's request on the timeline. */
    async created(tenantId: string, ticketId: string) {
      const [ticket, message] = await Promise.all([ports.ticket(tenantId, ticketId), ports.firstMessage(tenantId, ticketId)]);
      if (ticket && message) await onMessage(tenantId, ticket, message);
    },
  };
};
