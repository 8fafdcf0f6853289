import { Duration, Stack } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { envNames } from '../../shared/config.ts';
import type { ContextFunction, ContextFunctionFactory } from './context-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { removalPolicyFor } from './removal.ts';
import type { StackSettings } from './settings.ts';

export interface InboundSmsProps {
  functions: ContextFunctionFactory;
  settings: Pick<StackSettings, 'stage' | 'smsTenants'>;
}

/**
 * Two-way SMS: AWS End User Messaging publishes what customers text to our
 * numbers to this topic, which invokes functions/messaging/inbound-sms.ts
 * (STOP and START as consent changes). The operator points each number's
 * two-way SMS at the topic. The topic is encrypted with a key of our own,
 * because End User Messaging cannot use the AWS managed SNS key.
 */
export class InboundSms extends Construct {
  readonly key: Key;
  readonly topic: Topic;
  readonly function: ContextFunction;
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: InboundSmsProps) {
    super(scope, id);
    const endUserMessaging = new ServicePrincipal('sms-voice.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    });
    this.key = new Key(this, 'Key', {
      description: 'Encrypts inbound SMS on the two-way SMS topic',
      enableKeyRotation: true,
      removalPolicy: removalPolicyFor(props.settings),
    });
    this.topic = new Topic(this, 'Topic', { displayName: 'Rapport inbound SMS', masterKey: this.key, enforceSSL: true });
    this.topic.grantPublish(endUserMessaging);
    this.key.grant(endUserMessaging, 'kms:GenerateDataKey*', 'kms:Decrypt');

    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', props.settings);
    this.function = props.functions(this, 'Receiver', {
      context: 'messaging',
      entry: 'inbound-sms',
      description: 'Records STOP and START replies to our SMS numbers as consent changes',
      timeout: Duration.seconds(30),
    });
    const fn = this.function.function;
    fn.addEnvironment(envNames.SMS_TENANT_BY_NUMBER, JSON.stringify(props.settings.smsTenants));
    fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.deadLetters.queue) });
    this.topic.addSubscription(new LambdaSubscription(fn, { deadLetterQueue: this.deadLetters.queue }));
  }
}
