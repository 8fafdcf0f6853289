import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Stats, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface OperationalAlarmsProps {
  /** Functions by a readable name (e.g. "contacts", "relay"). */
  functions: ReadonlyMap<string, IFunction>;
  /** Dead-letter queues by a readable name. */
  deadLetterQueues: ReadonlyMap<string, IQueue>;
  api: IHttpApi;
}

const period = Duration.minutes(5);

/**
 * Alarms for what must never happen silently: a function error, a message
 * parked in a DLQ, a 5xx from the API (bad input answers 4xx, so any 5xx is a bug).
 * Each fires on the first occurrence (> 0 in five minutes).
 */
export class OperationalAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    for (const [name, fn] of props.functions) {
      this.add(`Errors-${name}`, `function ${name} threw or timed out`, fn.metricErrors({ period, statistic: Stats.SUM }));
    }
    for (const [name, queue] of props.deadLetterQueues) {
      const visible = queue.metricApproximateNumberOfMessagesVisible({ period, statistic: Stats.MAXIMUM });
      this.add(`DeadLetters-${name}`, `dead-letter queue ${name} holds messages`, visible);
    }
    this.add('Api5xx', 'the API answered 5xx', props.api.metricServerError({ period, statistic: Stats.SUM }));
  }

  private add(id: string, description: string, metric: IMetric) {
    const alarm = new Alarm(this, id, {
      metric,
      alarmDescription: description,
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(alarm);
  }
}
