import { intakeRepository } from './repository.ts';

/** What other contexts may ask of intake. */
export const intakeApi = {
  /**
   * Records the Message-ID of an email sent on a ticket (an agent's reply), so
   * the customer's answer to it, which names it in In-Reply-To, threads onto
   * that ticket. Recording one twice keeps the first.
   */
  recordSentMail: ({ tenantId, messageId, ticketId }: { tenantId: string; messageId: string; ticketId: string }): Promise<void> =>
    intakeRepository.recordMail(tenantId, messageId.replace(/^<|>$/g, ''), { ticketId }),
};
export type IntakeApi = typeof intakeApi;
