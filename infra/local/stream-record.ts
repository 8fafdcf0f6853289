import type { _Record, AttributeValue as SdkValue } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

type Image = Record<string, SdkValue> | undefined;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The SDK gives binaries as bytes; Lambda's JSON event carries them as base64 strings. */
const value = (v: SdkValue): AttributeValue => {
  // DynamoDB Local's stream writes an empty map as {} instead of {"M":{}}.
  if (Object.keys(v).length === 0) return { M: {} };
  if (v.B) return { B: base64(v.B) };
  if (v.BS) return { BS: v.BS.map(base64) };
  if (v.L) return { L: v.L.map(value) };
  if (v.M) return { M: image(v.M)! };
  return v as AttributeValue;
};

const image = (i: Image) => i && Object.fromEntries(Object.entries(i).map(([k, v]) => [k, value(v)]));

/** A DynamoDB Streams API record in the shape a Lambda stream event carries it. */
export const lambdaRecord = (record: _Record, eventSourceARN: string): DynamoDBRecord => {
  const { dynamodb: d } = record;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: process.env.AWS_REGION ?? record.awsRegion,
    eventSourceARN,
    dynamodb: d && {
      ApproximateCreationDateTime: d.ApproximateCreationDateTime && Math.floor(d.ApproximateCreationDateTime.getTime() / 1000),
      Keys: image(d.Keys),
      NewImage: image(d.NewImage),
      OldImage: image(d.OldImage),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
  };
};
