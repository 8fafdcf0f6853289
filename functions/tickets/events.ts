import { changedFields } from '../../shared/domain/patch.ts';
import type { DomainEvent } from '../../shared/events/catalog.ts';
import { domainEvent } from '../../shared/events/outbox.ts';
import type { Ticket, TicketMessage } from './schemas.ts';

/** What every ticket event says of the ticket as it is after the change. */
export const ticketData = (t: Ticket) => ({
  ticketId: t.id,
  contactId: t.contactId,
  reference: t.reference,
  channel: t.channel,
  status: t.status,
  priority: t.priority,
  category: t.category,
  teamId: t.teamId,
  assigneeId: t.assigneeId,
  tags: t.tags,
  subject: t.subject,
});

/** Fields whose change is a ticket.updated (status and assignee have their own events). */
const describedFields = ['subject', 'priority', 'category', 'tags', 'teamId'];

/**
 * The events of a ticket change, in order: created, or updated (naming the
 * changed fields), assigned, replied, status_changed with resolved or reopened.
 */
export const ticketEvents = (tenantId: string, before: Ticket | undefined, after: Ticket, message?: TicketMessage): DomainEvent[] => {
  const data = ticketData(after);
  if (!before) return [domainEvent(tenantId, 'ticket.created', data)];
  const events: DomainEvent[] = [];
  const changed = changedFields(before, after).filter((f) => describedFields.includes(f));
  if (changed.length) events.push(domainEvent(tenantId, 'ticket.updated', { ...data, changed }));
  if (before.assigneeId !== after.assigneeId)
    events.push(domainEvent(tenantId, 'ticket.assigned', { ...data, previousAssigneeId: before.assigneeId }));
  if (message)
    events.push(
      domainEvent(tenantId, 'ticket.replied', { ...data, messageId: message.id, author: message.author, public: message.public }),
    );
  if (before.status !== after.status) {
    events.push(domainEvent(tenantId, 'ticket.status_changed', { ...data, from: before.status }));
    if (after.status === 'resolved')
      events.push(
        domainEvent(tenantId, 'ticket.resolved', {
          ticketId: after.id,
          contactId: after.contactId,
          subject: after.subject.slice(0, 300),
          channel: after.channel,
          reference: after.reference,
          priority: after.priority,
          category: after.category,
          teamId: after.teamId,
          assigneeId: after.assigneeId,
        }),
      );
    if (before.status === 'resolved' && after.status === 'open') events.push(domainEvent(tenantId, 'ticket.reopened', data));
  }
  return events;
};
