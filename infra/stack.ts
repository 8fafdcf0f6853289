import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { httpContexts, routes } from '../functions/routes.ts';
import { recurringJobs } from '../functions/schedules.ts';
import { subscriptions } from '../functions/subscriptions.ts';
import { envNames } from '../shared/config.ts';
import { OperationalAlarms } from './aws/alarms.ts';
import { appFunctions } from './aws/app-functions.ts';
import { ContextFunction, functionLabel } from './aws/context-function.ts';
import { DataTable } from './aws/data-table.ts';
import { DeadLetterQueue } from './aws/dead-letter-queue.ts';
import { EmailSending } from './aws/email-sending.ts';
import { RapportEventBus } from './aws/event-bus.ts';
import { EventSubscribers } from './aws/event-subscribers.ts';
import { RapportHttpApi } from './aws/http-api.ts';
import { InboundEmail } from './aws/inbound-email.ts';
import { InboundSms } from './aws/inbound-sms.ts';
import { JobScheduler } from './aws/job-scheduler.ts';
import { grantMessageSending } from './aws/message-sending.ts';
import { OutboxRelay } from './aws/outbox-relay.ts';
import { contextsWithEntry } from './aws/paths.ts';
import { RecurringJobs } from './aws/recurring-jobs.ts';
import { readSettings, type StackSettings } from './aws/settings.ts';
import { SigningSecret } from './aws/signing-secret.ts';
import { SmsSending } from './aws/sms-sending.ts';
import { UserDirectory } from './aws/user-directory.ts';

export interface RapportStackProps extends StackProps {
  /** Defaults to the app's context (cdk.json, `-c key=value`). */
  settings?: StackSettings;
}

/**
 * Rapport on AWS, derived from the catalogs: the table from shared/db/table.ts,
 * one function and its API routes per context in functions/routes.ts, one bus
 * rule per entry of functions/subscriptions.ts, one schedule rule per entry of
 * functions/schedules.ts, one scheduler target per functions/<context>/scheduled.ts.
 */
export class RapportStack extends Stack {
  readonly settings: StackSettings;

  constructor(scope: Construct, id: string, props: RapportStackProps = {}) {
    super(scope, id, props);
    const settings = (this.settings = props.settings ?? readSettings(this.node));

    const { table } = new DataTable(this, 'Data', settings);
    const { bus } = new RapportEventBus(this, 'Events', settings);
    const { secret } = new SigningSecret(this, 'Signing', settings);
    const users = settings.jwtIssuer ? undefined : new UserDirectory(this, 'Users', settings);
    const http = new RapportHttpApi(this, 'Http', {
      routes,
      jwtIssuer: settings.jwtIssuer ?? users!.issuer,
      jwtAudience: settings.jwtAudience ?? users!.audience,
      settings,
    });
    const functions = appFunctions({
      table,
      signingSecret: secret,
      // PUBLIC_BASE_URL: links in emails and HTML pages point at the API.
      environment: {
        [envNames.TABLE_NAME]: table.tableName,
        [envNames.EVENT_BUS_NAME]: bus.eventBusName,
        [envNames.SIGNING_SECRET_ARN]: secret.secretArn,
        [envNames.PUBLIC_BASE_URL]: http.stage.url,
      },
      settings,
    });

    const httpFunctions = httpContexts.map((context) =>
      functions(this, `Http-${context}`, { context, entry: 'handler', description: `Rapport API: ${context} routes` }),
    );
    http.integrate(new Map(httpFunctions.map((fn) => [fn.context, fn.function])));
    new OutboxRelay(this, 'Outbox', { table, bus, settings });
    new EventSubscribers(this, 'Subscribers', { subscriptions, bus, functions, settings });
    const scheduler = new JobScheduler(this, 'Scheduler', { contexts: contextsWithEntry('scheduled'), functions, settings });
    new RecurringJobs(this, 'Recurring', { jobs: recurringJobs, functions, settings });
    const inboundSms = new InboundSms(this, 'InboundSms', { functions, settings });
    const { inboundEmailDomain } = settings;
    const inboundEmail = inboundEmailDomain
      ? new InboundEmail(this, 'InboundEmail', { functions, settings: { ...settings, inboundEmailDomain } })
      : undefined;
    const email = new EmailSending(this, 'Email', { settings });
    const sms = new SmsSending(this, 'Sms');

    // Every function and DLQ built above, however it came to be: none can miss its grants or alarm.
    const contextFunctions = this.node.findAll().filter((c): c is ContextFunction => c instanceof ContextFunction);
    const deadLetterQueues = this.node.findAll().filter((c): c is DeadLetterQueue => c instanceof DeadLetterQueue);
    grantMessageSending(contextFunctions, [scheduler, email, sms]);
    const alarms = new OperationalAlarms(this, 'Alarms', {
      functions: new Map(contextFunctions.map((fn) => [functionLabel(fn), fn.function])),
      deadLetterQueues: new Map(
        deadLetterQueues.map((dlq) => [dlq.node.path.slice(this.node.path.length + 1).replaceAll('/', '-'), dlq.queue]),
      ),
      api: http.api,
      settings,
    });

    new CfnOutput(this, 'ApiUrl', {
      value: http.stage.url,
      description: 'Base URL of the Rapport API (PUBLIC_BASE_URL of links in emails)',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    if (users) {
      new CfnOutput(this, 'UserPoolId', { value: users.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', {
        value: users.client.userPoolClientId,
        description: 'Audience of the ID tokens the API accepts',
      });
    }
    new CfnOutput(this, 'EmailConfigurationSet', {
      value: email.configurationSet.configurationSetName,
      description:
        'SES configuration set of every email; its delivery, bounce, complaint, open and click events arrive on the default event bus',
    });
    if (email.domain) {
      new CfnOutput(this, 'MailFromDomain', {
        value: email.domain,
        description: `Email is sent as ${settings.mailFrom}: this domain must be a verified SES identity (DKIM) in this account and region, and the account out of the SES sandbox to reach any recipient`,
      });
    } else {
      Annotations.of(this).addWarningV2(
        'rapport:mailFromUnset',
        'context mailFrom is not set: no function may send email (set -c mailFrom=no-reply@<a domain verified in SES>)',
      );
    }
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarms.topic.topicArn,
      description:
        'Every alarm (function errors, dead letters, API 5xx, SES bounce and complaint rates) notifies this topic: subscribe the on-call to it',
    });
    if (inboundEmail) {
      new CfnOutput(this, 'InboundEmailRuleSet', {
        value: inboundEmail.ruleSet.receiptRuleSetName,
        description: `CloudFormation cannot activate a receipt rule set: run \`aws ses set-active-receipt-rule-set --rule-set-name <this>\` once (one rule set is active per account and region), and point the MX record of ${inboundEmailDomain} at inbound-smtp.<region>.amazonaws.com`,
      });
      new CfnOutput(this, 'InboundEmailBucket', {
        value: inboundEmail.bucket.bucketName,
        description: 'Received mail (inbound/<SES message id>), expired after 30 days',
      });
    }
    new CfnOutput(this, 'InboundSmsTopicArn', {
      value: inboundSms.topic.topicArn,
      description:
        'Point the two-way SMS of each of our numbers (AWS End User Messaging SMS) at this topic; STOP and START replies become consent changes',
    });
  }
}
