import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { table as tableDefinition } from '../../shared/db/table.ts';
import { removalPolicyFor } from './removal.ts';
import { isProd, type StackSettings } from './settings.ts';

const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

/** The single table, built from shared/db/table.ts so AWS and DynamoDB Local cannot drift. */
export class DataTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, settings: Pick<StackSettings, 'stage'>) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: stringKey(tableDefinition.partitionKey),
      sortKey: stringKey(tableDefinition.sortKey),
      timeToLiveAttribute: tableDefinition.ttlAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: isProd(settings),
      removalPolicy: removalPolicyFor(settings),
    });
    for (const [indexName, index] of Object.entries(tableDefinition.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
