// Every lane's test files run with these before importing product code.
// The unit lane has no DynamoDB: a unit test that reaches for it fails at once, naming why;
// the lanes on DynamoDB Local repoint this in dynamo-env.ts.
process.env.DYNAMODB_ENDPOINT = 'http://no-dynamodb-in-unit-tests.invalid';
process.env.AWS_REGION = 'us-east-1';
// Fake credentials: a test that forgets a local endpoint fails instead of reaching a real AWS account.
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
delete process.env.AWS_PROFILE;
process.env.SIGNING_SECRET = 'test-signing-secret';
process.env.RAPPORT_DEV_SECRET = 'test-token-secret';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
