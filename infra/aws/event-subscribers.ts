import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { Subscription } from '../../functions/subscriptions.ts';
import { ContextFunction } from './context-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { grantItemAccess } from './table-access.ts';
import type { StackSettings } from './settings.ts';

export interface EventSubscribersProps {
  /** The subscription catalog (functions/subscriptions.ts). */
  subscriptions: readonly Subscription[];
  bus: IEventBus;
  table: ITable;
  signingSecret: ISecret;
  /** Environment every function reads (TABLE_NAME, EVENT_BUS_NAME, …). */
  environment: Record<string, string>;
  settings: Pick<StackSettings, 'stage'>;
}

/**
 * One EventBridge rule per subscription, targeting functions/<context>/subscriber.ts
 * (one function per context, however many rules feed it). Events that cannot be
 * delivered, or whose handling still fails after Lambda's async retries, land in
 * the context's DLQ.
 */
export class EventSubscribers extends Construct {
  readonly functions = new Map<string, ContextFunction>();
  readonly deadLetters = new Map<string, DeadLetterQueue>();
  readonly rules: Rule[] = [];

  constructor(scope: Construct, id: string, props: EventSubscribersProps) {
    super(scope, id);
    for (const subscription of props.subscriptions) {
      const { fn, dlq } = this.subscriberOf(subscription.context, props);
      const rule = new Rule(this, `Rule-${subscription.name}`, {
        eventBus: props.bus,
        description: `${subscription.name} → ${subscription.context}/subscriber.ts`,
        eventPattern: {
          source: subscription.pattern.source,
          detailType: subscription.pattern['detail-type'],
          ...(subscription.pattern.detail ? { detail: subscription.pattern.detail } : {}),
        },
      });
      rule.addTarget(new LambdaFunction(fn.function, { deadLetterQueue: dlq.queue, retryAttempts: 8, maxEventAge: Duration.hours(24) }));
      this.rules.push(rule);
    }
  }

  private subscriberOf(context: string, props: EventSubscribersProps) {
    let fn = this.functions.get(context);
    let dlq = this.deadLetters.get(context);
    if (!fn || !dlq) {
      dlq = new DeadLetterQueue(this, `DeadLetters-${context}`, props.settings);
      fn = new ContextFunction(this, `Subscriber-${context}`, {
        context,
        entry: 'subscriber',
        description: `Handles bus events for ${context}`,
        settings: props.settings,
        environment: props.environment,
        timeout: Duration.seconds(30),
      });
      fn.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(dlq.queue) });
      grantItemAccess(props.table, fn.function);
      props.signingSecret.grantRead(fn.function);
      this.functions.set(context, fn);
      this.deadLetters.set(context, dlq);
    }
    return { fn, dlq };
  }
}
