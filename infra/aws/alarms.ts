import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { removalPolicyFor } from './removal.ts';
import type { StackSettings } from './settings.ts';

export interface OperationalAlarmsProps {
  /** Functions by a readable name (e.g. "contacts", "relay"). */
  functions: ReadonlyMap<string, IFunction>;
  /** Dead-letter queues by a readable name. */
  deadLetterQueues: ReadonlyMap<string, IQueue>;
  api: IHttpApi;
  settings: StackSettings;
}

const period = Duration.minutes(5);

/**
 * SES puts an account under review at a 10 % bounce or 0.5 % complaint rate
 * (and may pause sending beyond): alarm at half of each, while there is time to act.
 */
const reputationLimits = [
  { metricName: 'Reputation.BounceRate', threshold: 0.05, what: 'bounce' },
  { metricName: 'Reputation.ComplaintRate', threshold: 0.0025, what: 'complaint' },
] as const;

/**
 * Alarms for what must never happen silently: a function error, a message
 * parked in a DLQ, a 5xx from the API (bad input answers 4xx, so any 5xx is a bug).
 * Each fires on the first occurrence (> 0 in five minutes). The SES reputation
 * alarms fire before SES would pause sending. Every alarm notifies one topic.
 */
export class OperationalAlarms extends Construct {
  readonly alarms: Alarm[] = [];
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    const key = new Key(this, 'Key', {
      description: 'Encrypts alarm notifications',
      enableKeyRotation: true,
      removalPolicy: removalPolicyFor(props.settings),
    });
    // CloudWatch publishes to the encrypted topic, so it needs the key.
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
    this.topic = new Topic(this, 'Topic', { displayName: 'Rapport alarms', masterKey: key, enforceSSL: true });
    for (const [name, fn] of props.functions) {
      this.add(`Errors-${name}`, `function ${name} threw or timed out`, fn.metricErrors({ period, statistic: Stats.SUM }));
    }
    for (const [name, queue] of props.deadLetterQueues) {
      const visible = queue.metricApproximateNumberOfMessagesVisible({ period, statistic: Stats.MAXIMUM });
      this.add(`DeadLetters-${name}`, `dead-letter queue ${name} holds messages`, visible);
    }
    this.add('Api5xx', 'the API answered 5xx', props.api.metricServerError({ period, statistic: Stats.SUM }));
    for (const { metricName, threshold, what } of reputationLimits) {
      const rate = new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: Stats.MAXIMUM });
      this.add(`Ses-${what}`, `the SES ${what} rate is above ${threshold * 100} %: sending may be paused at twice that`, rate, threshold);
    }
  }

  private add(id: string, description: string, metric: IMetric, threshold = 0) {
    const alarm = new Alarm(this, id, {
      metric,
      alarmDescription: description,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
