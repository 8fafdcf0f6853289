import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const eventBridge = mockClient(EventBridgeClient);
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const schedulerSdk = mockClient(SchedulerClient);
const mocks = [eventBridge, ses, sns, schedulerSdk];
afterAll(() => {
  for (const m of mocks) m.restore();
});
beforeEach(() => {
  for (const m of mocks) m.reset();
});

/** Each test gets the port modules fresh, so the adapter builds its AWS client anew. */
beforeEach(() => {
  vi.resetModules();
});

describe('EventBridge bus adapter', () => {
  it('publishes in batches of ten and reports the entries EventBridge refused', async () => {
    const { bus } = await import('../../shared/ports/bus.ts');
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((_, i) => (i === input.Entries.length - 1 ? { ErrorCode: 'InternalFailure' } : { EventId: `e${i}` })),
    }));
    const entries = Array.from({ length: 12 }, (_, i) => ({ Source: 'rapport', DetailType: 'contact.created', Detail: `{"n":${i}}` }));
    expect(await bus().publish(entries)).toEqual([9, 11]);
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([10, 2]);
  });
});

describe('SES and SNS messages adapter', () => {
  it('sends email with its headers, configuration set and tags, and SMS to the E.164 number', async () => {
    const { messages } = await import('../../shared/ports/messages.ts');
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    const sent = await messages().sendEmail({
      to: 'ada@example.com',
      from: 'Acme <news@acme.example>',
      subject: 'Hi',
      html: '<p>Hi</p>',
      text: 'Hi',
      headers: { 'List-Unsubscribe': '<https://x/u/1>' },
      configurationSet: 'rapport-dev',
      tags: { 'rapport-tenant': 'acme' },
    });
    expect(sent).toEqual({ messageId: 'ses-1' });
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).toMatchObject({
      FromEmailAddress: 'Acme <news@acme.example>',
      Destination: { ToAddresses: ['ada@example.com'] },
      ConfigurationSetName: 'rapport-dev',
      EmailTags: [{ Name: 'rapport-tenant', Value: 'acme' }],
      Content: { Simple: { Subject: { Data: 'Hi' }, Headers: [{ Name: 'List-Unsubscribe', Value: '<https://x/u/1>' }] } },
    });
    expect(await messages().sendSms({ to: '+14155550123', body: 'Hello' })).toEqual({ messageId: 'sns-1' });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({ PhoneNumber: '+14155550123', Message: 'Hello' });
  });
});

describe('EventBridge Scheduler adapter', () => {
  beforeEach(() => {
    Object.assign(process.env, {
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::1:role/s',
      SCHEDULER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:1:dlq',
      SCHEDULER_GROUP: 'rapport-dev',
      SCHEDULER_TARGETS: '{"journeys":"arn:aws:lambda:eu-west-1:1:function:j"}',
    });
  });

  it('creates a one-time UTC schedule that deletes itself, and treats an existing name as done', async () => {
    const { scheduler } = await import('../../shared/ports/scheduler.ts');
    schedulerSdk
      .on(CreateScheduleCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    const job = { name: 'j-run-1-wait', at: new Date('2026-03-05T09:30:00.250Z'), target: 'journeys', payload: { runId: 'run-1' } };
    await scheduler().schedule(job);
    await scheduler().schedule(job);
    expect(schedulerSdk.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'j-run-1-wait',
      GroupName: 'rapport-dev',
      ScheduleExpression: 'at(2026-03-05T09:30:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: 'arn:aws:lambda:eu-west-1:1:function:j',
        RoleArn: 'arn:aws:iam::1:role/s',
        Input: '{"runId":"run-1"}',
        DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:1:dlq' },
      },
    });
  });

  it('cancels quietly when the schedule already ran, and refuses a job no target can run', async () => {
    const { scheduler } = await import('../../shared/ports/scheduler.ts');
    schedulerSdk.on(DeleteScheduleCommand).rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
    await expect(scheduler().cancel('j-run-1-wait')).resolves.toBeUndefined();
    await expect(scheduler().schedule({ name: 'x', at: new Date(), target: 'nowhere', payload: {} })).rejects.toThrow(
      /no scheduler target/,
    );
    await expect(scheduler().schedule({ name: 'bad name!', at: new Date(), target: 'journeys', payload: {} })).rejects.toThrow(
      /schedule name/,
    );
  });
});
