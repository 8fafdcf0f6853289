import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { kernelEntities } from '../db/keys.ts';
import { eventEnvelope, eventSource } from './catalog.ts';

/**
 * Turns outbox inserts from the table's stream into bus entries. The same
 * function serves the stream Lambda on AWS and the embedded runtime's poller.
 */
export const busEntries = (records: DynamoDBRecord[], eventBusName: string) =>
  records.flatMap((record) => {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image || image.entity?.S !== kernelEntities.outbox) return [];
    const event = eventEnvelope.parse(unmarshall(image as Record<string, AttributeValue>).event);
    const entry: PutEventsRequestEntry = {
      EventBusName: eventBusName,
      Source: eventSource,
      DetailType: event.type,
      Time: new Date(event.occurredAt),
      Detail: JSON.stringify(event),
    };
    return [{ sequenceNumber: record.dynamodb?.SequenceNumber, entry }];
  });
