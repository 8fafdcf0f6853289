import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

const region = () => process.env.AWS_REGION ?? 'us-east-1';

/** The Lambda context object a function gets on AWS, for one local invocation. */
export const lambdaContext = (functionName: string, timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  const awsRequestId = randomUUID();
  const fail = () => {
    throw new Error('callback-style Lambda completion is not supported; return a value or a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region()}:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: fail,
    fail,
    succeed: fail,
  };
};
