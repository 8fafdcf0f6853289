import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResultV2, SESEvent } from 'aws-lambda';
import { config, envNames } from '../../shared/config.ts';
import { tenantPattern } from '../../shared/http/auth.ts';
import { Problem, problemResponse } from '../../shared/http/problem.ts';
import { memoryReceivedMail, receivedMailKey, useReceivedMail } from '../../shared/ports/received-mail.ts';
import type { Invoke } from './functions.ts';
import type { DevRoute } from './gateway.ts';

/** The receiving domain of the embedded runtime, unless INBOUND_EMAIL_DOMAIN names one. */
export const localInboundDomain = 'inbound.localhost';

/** What SES's Lambda action sends after its S3 action stored the message: the receipt, no content. */
const sesEvent = (messageId: string, recipients: string[], at: Date): SESEvent =>
  ({
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            messageId,
            timestamp: at.toISOString(),
            source: '',
            destination: recipients,
            headersTruncated: false,
            headers: [],
            commonHeaders: {},
          },
          receipt: {
            timestamp: at.toISOString(),
            recipients,
            processingTimeMillis: 0,
            spamVerdict: { status: 'PASS' },
            virusVerdict: { status: 'PASS' },
            spfVerdict: { status: 'PASS' },
            dkimVerdict: { status: 'PASS' },
            dmarcVerdict: { status: 'PASS' },
            action: { type: 'Lambda', functionArn: 'local:intake-inbound-email', invocationType: 'Event' },
          },
        },
      },
    ],
  }) as unknown as SESEvent;

/**
 * POST /dev/inbound-email: the body is a raw RFC 5322 message, received as SES
 * would. The recipient is `?to=<address>`, or support+<tenant>@<receiving
 * domain> for `?tenant=<tenant>`, or else the message's own To and Cc. The
 * message is stored the way SES's S3 action stores it and
 * functions/intake/inbound-email.ts gets SES's event, so the same code reads
 * and files it; the answer lists what became of it.
 */
export const inboundEmailRoute = (invoke: Invoke): DevRoute => {
  process.env[envNames.INBOUND_EMAIL_DOMAIN] ??= localInboundDomain;
  const mail = memoryReceivedMail();
  useReceivedMail(mail);
  return async ({ query, body }): Promise<APIGatewayProxyResultV2> => {
    const tenant = query.get('tenant');
    if (tenant !== null && !tenantPattern.test(tenant))
      return problemResponse(new Problem(400, 'Validation failed', 'tenant must be a tenant id'), '/dev/inbound-email');
    if (!body.length)
      return problemResponse(new Problem(400, 'Validation failed', 'send the raw message as the body'), '/dev/inbound-email');
    const to = query.get('to') ?? (tenant ? `support+${tenant}@${config.INBOUND_EMAIL_DOMAIN}` : undefined);
    const messageId = randomUUID();
    mail.put(receivedMailKey(messageId), new Uint8Array(body));
    try {
      const outcomes = await invoke('intake', 'inbound-email', sesEvent(messageId, to ? [to] : [], new Date()), 29_000);
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: outcomes }) };
    } finally {
      mail.delete(receivedMailKey(messageId));
    }
  };
};
