import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { httpContexts, routes } from '../functions/routes.ts';
import { subscriptions } from '../functions/subscriptions.ts';
import { OperationalAlarms } from './aws/alarms.ts';
import { ContextFunction } from './aws/context-function.ts';
import { DataTable } from './aws/data-table.ts';
import { RapportEventBus } from './aws/event-bus.ts';
import { EventSubscribers } from './aws/event-subscribers.ts';
import { RapportHttpApi } from './aws/http-api.ts';
import { OutboxRelay } from './aws/outbox-relay.ts';
import { readSettings, type StackSettings } from './aws/settings.ts';
import { SigningSecret } from './aws/signing-secret.ts';
import { grantItemAccess } from './aws/table-access.ts';
import { UserDirectory } from './aws/user-directory.ts';

export interface RapportStackProps extends StackProps {
  /** Defaults to the app's context (cdk.json, `-c key=value`). */
  settings?: StackSettings;
}

/**
 * Rapport on AWS, derived from the catalogs: the table from shared/db/table.ts,
 * one function and its API routes per context in functions/routes.ts, one bus
 * rule per entry of functions/subscriptions.ts.
 */
export class RapportStack extends Stack {
  readonly settings: StackSettings;

  constructor(scope: Construct, id: string, props: RapportStackProps = {}) {
    super(scope, id, props);
    const settings = (this.settings = props.settings ?? readSettings(this.node));

    const { table } = new DataTable(this, 'Data', settings);
    const { bus } = new RapportEventBus(this, 'Events', settings);
    const { secret } = new SigningSecret(this, 'Signing', settings);
    const users = settings.jwtIssuer ? undefined : new UserDirectory(this, 'Users', settings);
    const environment = { TABLE_NAME: table.tableName, EVENT_BUS_NAME: bus.eventBusName, SIGNING_SECRET_ARN: secret.secretArn };

    const httpFunctions = new Map<string, IFunction>();
    for (const context of httpContexts) {
      const { function: fn } = new ContextFunction(this, `Http-${context}`, {
        context,
        entry: 'handler',
        description: `Rapport API: ${context} routes`,
        settings,
        environment,
      });
      grantItemAccess(table, fn);
      secret.grantRead(fn);
      httpFunctions.set(context, fn);
    }

    const { api, stage } = new RapportHttpApi(this, 'Http', {
      routes,
      functions: httpFunctions,
      jwtIssuer: settings.jwtIssuer ?? users!.issuer,
      jwtAudience: settings.jwtAudience ?? users!.audience,
      settings,
    });
    const relay = new OutboxRelay(this, 'Outbox', { table, bus, settings });
    const subscribers = new EventSubscribers(this, 'Subscribers', { subscriptions, bus, table, signingSecret: secret, environment, settings });

    const functions = new Map<string, IFunction>([...httpFunctions].map(([context, fn]) => [`http-${context}`, fn]));
    functions.set('relay', relay.function.function);
    for (const [context, fn] of subscribers.functions) functions.set(`subscriber-${context}`, fn.function);
    const deadLetterQueues = new Map<string, IQueue>([['relay', relay.deadLetters.queue]]);
    for (const [context, dlq] of subscribers.deadLetters) deadLetterQueues.set(`subscriber-${context}`, dlq.queue);
    new OperationalAlarms(this, 'Alarms', { functions, deadLetterQueues, api });

    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the Rapport API' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    if (users) {
      new CfnOutput(this, 'UserPoolId', { value: users.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: users.client.userPoolClientId, description: 'Audience of the ID tokens the API accepts' });
    }
  }
}
