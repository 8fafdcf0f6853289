import { inject } from 'vitest';

// Points the product code at the run's DynamoDB Local before a test file imports it.
process.env.DYNAMODB_ENDPOINT = inject('dynamoEndpoint');
process.env.TABLE_NAME = inject('tableName');
