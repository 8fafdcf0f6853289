import type { MessageLog } from './schemas.ts';

/** The fields every message.* event carries, from the message's log item. */
export const messageRef = (log: MessageLog) => ({
  messageId: log.id,
  contactId: log.contactId,
  channel: log.channel,
  journeyId: log.journeyId,
  runId: log.runId,
});
