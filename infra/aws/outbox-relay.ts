import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { envNames } from '../../shared/config.ts';
import { kernelEntities } from '../../shared/db/keys.ts';
import { ContextFunction } from './context-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { StackSettings } from './settings.ts';

/** Only outbox inserts reach the relay; every other change to the table is filtered out by Lambda, unbilled. */
export const outboxFilter = FilterCriteria.filter({
  eventName: FilterRule.isEqual('INSERT'),
  dynamodb: { NewImage: { entity: { S: FilterRule.isEqual(kernelEntities.outbox) } } },
});

export interface OutboxRelayProps {
  table: ITable;
  bus: IEventBus;
  settings: Pick<StackSettings, 'stage'>;
}

/**
 * DynamoDB Stream → functions/relay/handler.ts → event bus. Failed records are
 * reported one by one; a batch that keeps failing is split, retried a bounded
 * number of times and its records' stream positions parked in a DLQ.
 */
export class OutboxRelay extends Construct {
  readonly function: ContextFunction;
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: OutboxRelayProps) {
    super(scope, id);
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', props.settings);
    this.function = new ContextFunction(this, 'Relay', {
      context: 'relay',
      entry: 'handler',
      description: 'Publishes outbox items from the table stream to the event bus',
      settings: props.settings,
      environment: { [envNames.EVENT_BUS_NAME]: props.bus.eventBusName },
      timeout: Duration.seconds(30),
    });
    const fn = this.function.function;
    fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(24),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.deadLetters.queue),
        filters: [outboxFilter],
      }),
    );
    props.bus.grantPutEventsTo(fn);
    Validations.of(fn.role!).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams, granted for the stream event source, does not support resource-level permissions.',
    });
  }
}
