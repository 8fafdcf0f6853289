import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { clock } from '../../shared/ports/clock.ts';
import { newId } from '../../shared/ports/ids.ts';
import type { Email, Messages, Sms } from '../../shared/ports/messages.ts';

export type SentMessage = { messageId: string; sentAt: string } & ({ channel: 'email'; email: Email } | { channel: 'sms'; sms: Sms });

export interface LocalOutbox extends Messages {
  /** Every message sent, oldest first. */
  messages(): SentMessage[];
}

/**
 * Stands in for SES and SNS locally: keeps what would have been sent, in
 * memory and, given a file, as JSON lines that survive restarts.
 */
export const createLocalOutbox = (file?: string): LocalOutbox => {
  const sent: SentMessage[] =
    file && existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as SentMessage)
      : [];

  const keep = (message: SentMessage) => {
    sent.push(message);
    if (file) appendFileSync(file, `${JSON.stringify(message)}\n`);
    return { messageId: message.messageId };
  };
  const stamp = () => {
    const now = clock().now();
    return { messageId: `local-${newId(now)}`, sentAt: now.toISOString() };
  };

  return {
    messages: () => [...sent],
    sendEmail: async (email) => keep({ ...stamp(), channel: 'email', email }),
    sendSms: async (sms) => keep({ ...stamp(), channel: 'sms', sms }),
  };
};
