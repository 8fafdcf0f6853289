import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { config } from '../../shared/config.ts';
import { busEntries } from '../../shared/events/relay.ts';
import { bus } from '../../shared/ports/bus.ts';

/** DynamoDB Stream → event bus. Failed entries are reported so only they are retried. */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const relayed = busEntries(event.Records, config.EVENT_BUS_NAME);
  const failed = await bus().publish(relayed.map((r) => r.entry));
  return { batchItemFailures: failed.map((i) => ({ itemIdentifier: relayed[i]!.sequenceNumber! })) };
};
