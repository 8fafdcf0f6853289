import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

export interface Email {
  to: string;
  from: string;
  subject: string;
  html?: string;
  text?: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
  /** SES configuration set whose event destination reports engagement, bounces and complaints. */
  configurationSet?: string;
  /** Message tags SES echoes back in those events (names and values: [A-Za-z0-9_-]). */
  tags?: Record<string, string>;
}

export interface Sms {
  /** E.164 phone number. */
  to: string;
  body: string;
}

export interface Sent {
  messageId: string;
}

/** Outgoing email and SMS: SES and SNS on AWS, the local outbox in the embedded runtime. */
export interface Messages {
  sendEmail(email: Email): Promise<Sent>;
  sendSms(sms: Sms): Promise<Sent>;
}

const awsMessages = (): Messages => {
  const ses = new SESv2Client({});
  const sns = new SNSClient({});
  return {
    async sendEmail(email) {
      const out = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: email.from,
          Destination: { ToAddresses: [email.to] },
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: {
                Html: email.html === undefined ? undefined : { Data: email.html, Charset: 'UTF-8' },
                Text: email.text === undefined ? undefined : { Data: email.text, Charset: 'UTF-8' },
              },
              Headers: email.headers && Object.entries(email.headers).map(([Name, Value]) => ({ Name, Value })),
            },
          },
          ConfigurationSetName: email.configurationSet,
          EmailTags: email.tags && Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
      return { messageId: out.MessageId! };
    },
    async sendSms(sms) {
      const out = await sns.send(new PublishCommand({ PhoneNumber: sms.to, Message: sms.body }));
      return { messageId: out.MessageId! };
    },
  };
};

let current: Messages | undefined;
export const messages = (): Messages => (current ??= awsMessages());
export const useMessages = (m: Messages) => {
  current = m;
};
