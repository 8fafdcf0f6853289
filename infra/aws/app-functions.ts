import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ContextFunction, type ContextFunctionFactory } from './context-function.ts';
import type { StackSettings } from './settings.ts';
import { grantItemAccess } from './table-access.ts';

export interface AppFunctionDefaults {
  table: ITable;
  signingSecret: ISecret;
  /** Environment every function reads (TABLE_NAME, EVENT_BUS_NAME, SIGNING_SECRET_ARN, PUBLIC_BASE_URL). */
  environment: Record<string, string>;
  settings: Pick<StackSettings, 'stage'>;
}

/**
 * The factory for functions that run a context's code (HTTP handlers, subscribers,
 * scheduled and recurring jobs, inbound SMS): item access to the table and read
 * access to the signing secret, which any of them may need through shared code.
 */
export const appFunctions =
  ({ table, signingSecret, environment, settings }: AppFunctionDefaults): ContextFunctionFactory =>
  (scope, id, props) => {
    const fn = new ContextFunction(scope, id, { ...props, settings, environment });
    grantItemAccess(table, fn.function);
    signingSecret.grantRead(fn.function);
    return fn;
  };
