import { inject } from 'vitest';

// Every test file points the product code at the run's DynamoDB Local before importing it.
process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
process.env.TABLE_NAME = inject('tableName');
process.env.AWS_REGION = 'us-east-1';
// Fake credentials: a test that forgets a local endpoint fails instead of reaching a real AWS account.
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
delete process.env.AWS_PROFILE;
process.env.SIGNING_SECRET = 'test-signing-secret';
process.env.RAPPORT_DEV_SECRET = 'test-token-secret';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
