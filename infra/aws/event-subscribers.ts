import { Duration } from 'aws-cdk-lib';
import { EventBus, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Construct } from 'constructs';
import type { Subscription } from '../../functions/subscriptions.ts';
import type { ContextFunction, ContextFunctionFactory } from './context-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { StackSettings } from './settings.ts';

export interface EventSubscribersProps {
  /** The subscription catalog (functions/subscriptions.ts). */
  subscriptions: readonly Subscription[];
  /** Rapport's bus, for subscriptions with bus 'rapport'. */
  bus: IEventBus;
  functions: ContextFunctionFactory;
  settings: Pick<StackSettings, 'stage'>;
}

/**
 * One EventBridge rule per subscription, targeting functions/<context>/subscriber.ts
 * (one function per context, however many rules feed it). Domain events come from
 * Rapport's bus; AWS service events (SES) from the account's default bus, the only
 * one AWS publishes them on. Events that cannot be delivered, or whose handling
 * still fails after Lambda's async retries, land in the context's DLQ.
 */
export class EventSubscribers extends Construct {
  readonly functions = new Map<string, ContextFunction>();
  readonly deadLetters = new Map<string, DeadLetterQueue>();
  readonly rules: Rule[] = [];
  private defaultBus?: IEventBus;

  constructor(scope: Construct, id: string, props: EventSubscribersProps) {
    super(scope, id);
    for (const subscription of props.subscriptions) {
      const { fn, dlq } = this.subscriberOf(subscription.context, props);
      const rule = new Rule(this, `Rule-${subscription.name}`, {
        eventBus: subscription.bus === 'default' ? this.accountDefaultBus() : props.bus,
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

  private accountDefaultBus() {
    return (this.defaultBus ??= EventBus.fromEventBusName(this, 'DefaultBus', 'default'));
  }

  private subscriberOf(context: string, props: EventSubscribersProps) {
    let fn = this.functions.get(context);
    let dlq = this.deadLetters.get(context);
    if (!fn || !dlq) {
      dlq = new DeadLetterQueue(this, `DeadLetters-${context}`, props.settings);
      fn = props.functions(this, `Subscriber-${context}`, {
        context,
        entry: 'subscriber',
        description: `Handles bus events for ${context}`,
        timeout: Duration.seconds(30),
      });
      fn.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(dlq.queue) });
      this.functions.set(context, fn);
      this.deadLetters.set(context, dlq);
    }
    return { fn, dlq };
  }
}
