import type { EventBridgeEvent } from 'aws-lambda';
import { systemActor } from '../../shared/domain/actor.ts';
import { withTrace } from '../../shared/events/trace.ts';
import { logger } from '../../shared/logger.ts';
import { applyFeedback } from './feedback.ts';
import { readSesEvent } from './ses-events.ts';

/**
 * SES engagement and feedback from the default bus (source 'aws.ses'):
 * delivery, bounce, complaint, open and click update the message log, the
 * suppression list and the contact's timeline, and emit message.* events.
 * Idempotent: each SES event is recorded once per message.
 */
export const handler = async (event: EventBridgeEvent<string, unknown>) => {
  if (event.source !== 'aws.ses') {
    logger.warn('messaging subscriber got an event it does not handle', { source: event.source, detailType: event['detail-type'] });
    return;
  }
  const feedback = readSesEvent(event);
  if (!feedback) return;
  logger.appendKeys({ tenantId: feedback.tenantId, messageId: feedback.messageId, sesEvent: feedback.kind });
  await withTrace({ actor: systemActor('ses'), correlationId: feedback.messageId }, () => applyFeedback(feedback));
};
