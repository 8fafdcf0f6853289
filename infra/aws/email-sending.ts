import { Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { envNames } from '../../shared/config.ts';
import type { ContextFunction } from './context-function.ts';
import { mailFromDomain, type StackSettings } from './settings.ts';

/** What comes back from SES: functions/subscriptions.ts subscribes the messaging context to these on the default bus. */
export const feedbackEvents = [
  EmailSendingEvent.DELIVERY,
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.OPEN,
  EmailSendingEvent.CLICK,
];

export interface EmailSendingProps {
  settings: Pick<StackSettings, 'stage' | 'mailFrom'>;
}

/**
 * Email through SES v2: a configuration set whose events (delivery, bounce,
 * complaint, open, click) SES publishes to the account's default event bus,
 * and, when a From is configured, the right to send from its domain with that
 * configuration set and nothing else.
 */
export class EmailSending extends Construct {
  readonly configurationSet: ConfigurationSet;
  /** The verified SES identity mail is sent from: the domain of mailFrom. */
  readonly domain?: string;
  readonly environment: Record<string, string>;
  /** Absent without mailFrom: there is no identity to send from. */
  readonly policy?: ManagedPolicy;

  constructor(scope: Construct, id: string, props: EmailSendingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { stage, mailFrom } = props.settings;
    const configurationSetName = `rapport-${stage}`;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', { configurationSetName, reputationMetrics: true });
    // SES publishes to the default bus only; the messaging subscriber's rule listens there.
    this.configurationSet.addEventDestination('Feedback', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: feedbackEvents,
    });
    this.environment = { [envNames.SES_CONFIGURATION_SET]: configurationSetName };
    if (!mailFrom) return;

    this.domain = mailFromDomain(mailFrom);
    this.environment[envNames.MAIL_FROM] = mailFrom;
    this.policy = new ManagedPolicy(this, 'Send', {
      description: `Send email from ${this.domain} with configuration set ${configurationSetName}`,
      statements: [
        new PolicyStatement({
          actions: ['ses:SendEmail', 'ses:SendRawEmail'],
          resources: [
            stack.formatArn({ service: 'ses', resource: 'identity', resourceName: this.domain }),
            stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSetName }),
          ],
        }),
      ],
    });
  }

  /** Lets a function send email: MAIL_FROM, SES_CONFIGURATION_SET and the send policy. */
  grantTo(fn: ContextFunction) {
    for (const [name, value] of Object.entries(this.environment)) fn.function.addEnvironment(name, value);
    this.policy?.attachToRole(fn.role);
  }
}
