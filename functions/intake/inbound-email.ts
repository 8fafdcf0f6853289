import type { SESEvent } from 'aws-lambda';
import { logger } from '../../shared/logger.ts';
import { receivedMail, receivedMailKey } from '../../shared/ports/received-mail.ts';
import { intakePorts, mailRouting } from './ports.ts';
import { intakeRepository } from './repository.ts';
import { type EmailOutcome, intakeService } from './service.ts';

let service: ReturnType<typeof intakeService> | undefined;

/**
 * Received support mail. SES's receipt rule stores each message in the bucket
 * (inbound/<SES message id>) and then invokes this function with the
 * receipt: its envelope recipients name the tenant, its verdicts flag spam
 * and viruses. The embedded runtime's POST /dev/inbound-email sends the same
 * event after storing the message in memory. Each message is parsed and
 * lands once (a redelivery is a duplicate); a failure is retried by Lambda,
 * then goes to the dead letters.
 */
export const handler = async (event: SESEvent): Promise<EmailOutcome[]> => {
  service ??= intakeService(intakeRepository, intakePorts, mailRouting);
  // The logger outlives invocations (and is shared by every function in the embedded runtime): drop earlier keys.
  logger.resetKeys();
  const outcomes: EmailOutcome[] = [];
  for (const record of event.Records ?? []) {
    const { mail, receipt } = record.ses;
    const raw = await receivedMail().get(receivedMailKey(mail.messageId));
    if (!raw) {
      logger.warn('received mail is not in the bucket', { sesMessageId: mail.messageId });
      outcomes.push({ outcome: 'ignored', messageId: mail.messageId, reason: 'the message is not stored' });
      continue;
    }
    const outcome = await service.receiveEmail(raw, {
      recipients: receipt.recipients,
      spam: receipt.spamVerdict?.status === 'FAIL',
      virus: receipt.virusVerdict?.status === 'FAIL',
    });
    logger.info('received mail', { sesMessageId: mail.messageId, ...outcome });
    outcomes.push(outcome);
  }
  return outcomes;
};
