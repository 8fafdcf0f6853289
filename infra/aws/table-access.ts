import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { table as tableDefinition } from '../../shared/db/table.ts';

/**
 * What request handlers do with items: GetItem/Query reads, conditional writes,
 * transactions (which IAM authorises through the per-item actions). No Scan:
 * the design serves every access pattern with a GetItem or a Query, and IAM holds
 * the code to it.
 */
export const itemActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** Item access on the table and on each index shared/db/table.ts declares, named one by one (no index/* wildcard). */
export const grantItemAccess = (table: ITable, grantee: IGrantable) =>
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: itemActions,
      resources: [table.tableArn, ...Object.keys(tableDefinition.indexes).map((index) => `${table.tableArn}/index/${index}`)],
    }),
  );
