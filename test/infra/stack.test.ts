import { readFileSync } from 'node:fs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { httpContexts, routes } from '../../functions/routes.ts';
import { subscriptions } from '../../functions/subscriptions.ts';
import { addNagChecks } from '../../infra/aws/nag.ts';
import { RapportStack } from '../../infra/stack.ts';
import { keys } from '../../shared/db/keys.ts';
import { table as tableDefinition } from '../../shared/db/table.ts';
import { domainEvent, outboxItem } from '../../shared/events/outbox.ts';
import { matchesPattern } from '../../shared/events/pattern.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

/** cdk.json's context (feature flags, defaults) plus overrides; bundling skipped to keep tests fast. */
const synth = (context: Record<string, unknown> = {}) => {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
  // The CloudFormation schema check costs seconds per run; `cdk synth` still runs it.
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context }, builtinCloudFormationValidation: false });
  const stack = new RapportStack(app, 'Test');
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const only = (type: string): [string, Resource] => {
    const found = ofType(type);
    expect(found, type).toHaveLength(1);
    return found[0]!;
  };
  return { app, stack, template, resources, ofType, only };
};

const logicalIdOf = (stack: Stack, construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const findPath = (stack: Stack, path: string) => stack.node.findAll().find((c) => c.node.path === `${stack.node.path}/${path}`)!;
const functionIdOf = (stack: Stack, path: string) => logicalIdOf(stack, findPath(stack, `${path}/Function`));

describe('RapportStack (dev, Cognito user pool)', () => {
  const dev = synth();

  it('has every catalog route exactly once, pointing at its context function, with the JWT authorizer unless public', () => {
    const apiRoutes = dev.ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(apiRoutes.map((r) => r.RouteKey).sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    const [authorizerId, authorizer] = dev.only('AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');

    for (const route of routes) {
      const apiRoute = apiRoutes.find((r) => r.RouteKey === `${route.method} ${route.path}`)!;
      if (route.roles.length === 0) {
        expect(apiRoute.AuthorizationType, apiRoute.RouteKey).toBe('NONE');
        expect(apiRoute.AuthorizerId).toBeUndefined();
      } else {
        expect(apiRoute.AuthorizationType, apiRoute.RouteKey).toBe('JWT');
        expect(apiRoute.AuthorizerId).toEqual({ Ref: authorizerId });
      }
      const integrationId = apiRoute.Target['Fn::Join'][1][1].Ref as string;
      expect(dev.resources[integrationId]!.Properties.IntegrationUri, apiRoute.RouteKey).toEqual({
        'Fn::GetAtt': [functionIdOf(dev.stack, `Http-${route.context}`), 'Arn'],
      });
    }
  });

  it('trusts tokens from its own user pool: issuer and audience are the pool and its app client', () => {
    const [poolId, pool] = dev.only('AWS::Cognito::UserPool');
    const [clientId] = dev.only('AWS::Cognito::UserPoolClient');
    const [, authorizer] = dev.only('AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties.JwtConfiguration).toEqual({ Issuer: { 'Fn::GetAtt': [poolId, 'ProviderURL'] }, Audience: [{ Ref: clientId }] });
    expect(pool.Properties.Schema).toContainEqual(expect.objectContaining({ Name: 'tenant', Mutable: false }));
    const groups = dev.ofType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', 'analyst', 'marketing', 'sales', 'support']);
  });

  it('gives the tenant to the ID token but never lets a user write it', () => {
    const [, client] = dev.only('AWS::Cognito::UserPoolClient');
    expect(client.Properties.ReadAttributes).toContain('custom:tenant');
    expect(client.Properties.WriteAttributes).not.toContain('custom:tenant');
  });

  it('runs one function per HTTP context, plus the relay and one per subscriber context, all Node 22 on arm64', () => {
    const functions = dev.ofType('AWS::Lambda::Function');
    const subscriberContexts = new Set(subscriptions.map((s) => s.context));
    expect(functions).toHaveLength(httpContexts.length + 1 + subscriberContexts.size);
    for (const context of httpContexts) expect(dev.resources[functionIdOf(dev.stack, `Http-${context}`)]).toBeDefined();
    for (const context of subscriberContexts) expect(dev.resources[functionIdOf(dev.stack, `Subscribers/Subscriber-${context}`)]).toBeDefined();
    for (const [id, fn] of functions) {
      expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS, id).toBe('--enable-source-maps');
      expect(fn.Properties.LoggingConfig.LogGroup, id).toBeDefined();
    }
    const http = dev.resources[functionIdOf(dev.stack, 'Http-contacts')]!.Properties.Environment.Variables;
    expect(Object.keys(http)).toEqual(expect.arrayContaining(['TABLE_NAME', 'EVENT_BUS_NAME', 'SIGNING_SECRET_ARN', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL']));
  });

  it('builds the table from shared/db/table.ts: keys, GSIs, TTL, stream, PITR, on-demand', () => {
    const [, table] = dev.only('AWS::DynamoDB::Table');
    const p = table.Properties;
    expect(p.KeySchema).toEqual([
      { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
      { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
    ]);
    const indexes = Object.entries(tableDefinition.indexes).map(([IndexName, index]) => ({
      IndexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }));
    expect(p.GlobalSecondaryIndexes).toEqual(indexes);
    const keyNames = [tableDefinition.partitionKey, tableDefinition.sortKey, ...Object.values(tableDefinition.indexes).flatMap((i) => [i.partitionKey, i.sortKey])];
    expect(p.AttributeDefinitions).toEqual(expect.arrayContaining(keyNames.map((AttributeName) => ({ AttributeName, AttributeType: 'S' }))));
    expect(p.AttributeDefinitions).toHaveLength(keyNames.length);
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: tableDefinition.ttlAttribute, Enabled: true });
    expect(p.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('lets no function Scan the table or reach it through an index wildcard', () => {
    for (const [id, policy] of dev.ofType('AWS::IAM::Policy')) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat() as string[];
        expect(actions, id).not.toContain('dynamodb:Scan');
        expect(actions.filter((a) => a.endsWith('*')), id).toEqual([]);
        expect(JSON.stringify(statement.Resource), id).not.toContain('/index/*');
      }
    }
  });

  it('sends only outbox inserts to the relay, with partial batch failures, bisecting, bounded retries and a DLQ', () => {
    const [, mapping] = dev.only('AWS::Lambda::EventSourceMapping');
    const p = mapping.Properties;
    expect(p.FunctionName).toEqual({ Ref: functionIdOf(dev.stack, 'Outbox/Relay') });
    expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(p.BisectBatchOnFunctionError).toBe(true);
    expect(p.MaximumRetryAttempts).toBeGreaterThan(0);
    expect(p.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(p.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': [logicalIdOf(dev.stack, findPath(dev.stack, 'Outbox/DeadLetters/Queue')), 'Arn'] });

    const [filter] = p.FilterCriteria.Filters as { Pattern: string }[];
    const pattern = JSON.parse(filter!.Pattern) as Record<string, unknown>;
    expect(pattern).toEqual({ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['OUTBOX'] } } } });
    const record = (eventName: string, item: object) => ({ eventName, dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) } });
    const outbox = outboxItem(domainEvent('acme', 'contact.deleted', { contactId: 'c1' }));
    expect(matchesPattern(pattern, record('INSERT', outbox))).toBe(true);
    expect(matchesPattern(pattern, record('MODIFY', outbox))).toBe(false);
    expect(matchesPattern(pattern, record('INSERT', { ...keys.contact('acme', 'c1'), entity: 'CONTACT' }))).toBe(false);
  });

  it('lets only the relay publish to the bus', () => {
    const publishers = dev
      .ofType('AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties.PolicyDocument.Statement.some((s: { Action: string | string[] }) => [s.Action].flat().includes('events:PutEvents')));
    expect(publishers.map(([, p]) => p.Properties.Roles)).toEqual([[{ Ref: logicalIdOf(dev.stack, findPath(dev.stack, 'Outbox/Relay/Role')) }]]);
  });

  it('turns each subscription into a bus rule targeting its context subscriber, with retries and a DLQ', () => {
    const rules = dev.ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rules).toHaveLength(subscriptions.length);
    for (const subscription of subscriptions) {
      const rule = rules.find((r) => r.Description.startsWith(`${subscription.name} `))!;
      expect(rule.EventPattern).toEqual(subscription.pattern);
      const [target] = rule.Targets;
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [functionIdOf(dev.stack, `Subscribers/Subscriber-${subscription.context}`), 'Arn'] });
      expect(target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toBe(logicalIdOf(dev.stack, findPath(dev.stack, `Subscribers/DeadLetters-${subscription.context}/Queue`)));
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    }
  });

  it('names the bus after the stage and archives its events', () => {
    dev.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'rapport-dev' });
    dev.template.resourceCountIs('AWS::Events::Archive', 1);
  });

  it('encrypts every DLQ and refuses non-TLS requests to it', () => {
    const queues = dev.ofType('AWS::SQS::Queue');
    expect(queues).toHaveLength(1 + new Set(subscriptions.map((s) => s.context)).size);
    for (const [id, queue] of queues) {
      expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
      const policy = dev.ofType('AWS::SQS::QueuePolicy').find(([, p]) => JSON.stringify(p.Properties.Queues).includes(id));
      expect(JSON.stringify(policy?.[1].Properties.PolicyDocument), id).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('alarms on every function error, every DLQ message and API 5xx', () => {
    const alarms = dev.ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const watched = (metric: string) => alarms.filter((a) => a.MetricName === metric).map((a) => a.Dimensions[0].Value.Ref ?? a.Dimensions[0].Value['Fn::GetAtt']?.[0]);
    expect(watched('Errors').sort()).toEqual(dev.ofType('AWS::Lambda::Function').map(([id]) => id).sort());
    expect(watched('ApproximateNumberOfMessagesVisible').sort()).toEqual(dev.ofType('AWS::SQS::Queue').map(([id]) => id).sort());
    expect(alarms.filter((a) => a.MetricName === '5xx')).toHaveLength(1);
    for (const alarm of alarms) expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('throttles the API and writes JSON access logs with request id, route, status and latency', () => {
    const [, stage] = dev.only('AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) });
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status', latency: '$context.responseLatency' });
  });

  it('has no CORS unless origins are configured', () => {
    const [, api] = dev.only('AWS::ApiGatewayV2::Api');
    expect(api.Properties.CorsConfiguration).toBeUndefined();
  });

  it('outputs the API URL, user pool, client, table and bus', () => {
    expect(Object.keys(dev.template.toJSON().Outputs).sort()).toEqual(['ApiUrl', 'EventBusName', 'TableName', 'UserPoolClientId', 'UserPoolId']);
  });

  it('lets dev data go with the stack', () => {
    const [, table] = dev.only('AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties.DeletionProtectionEnabled).toBe(false);
  });
});

describe('RapportStack (prod, external issuer, CORS)', () => {
  const prod = synth({ stage: 'prod', jwtIssuer: 'https://id.example.com/', jwtAudience: 'rapport-api,rapport-web', corsOrigins: 'https://app.example.com' });

  it('keeps the table: Retain on delete and replace, deletion protection on', () => {
    const [, table] = prod.only('AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
  });

  it('uses the given issuer and audiences instead of creating a user pool', () => {
    prod.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://id.example.com/', Audience: ['rapport-api', 'rapport-web'] },
    });
  });

  it('allows the configured origins with the methods and headers the API uses', () => {
    const [, api] = prod.only('AWS::ApiGatewayV2::Api');
    const cors = api.Properties.CorsConfiguration;
    expect(cors.AllowOrigins).toEqual(['https://app.example.com']);
    expect([...cors.AllowMethods].sort()).toEqual([...new Set(routes.map((r) => r.method))].sort());
    expect(cors.AllowHeaders).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key', 'if-match']));
    expect(cors.ExposeHeaders).toEqual(expect.arrayContaining(['etag', 'location']));
  });

  it('names the bus after the stage', () => {
    prod.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'rapport-prod' });
  });
});

describe('cdk-nag AwsSolutions', () => {
  const variants = { dev: synth(), prod: synth({ stage: 'prod', corsOrigins: 'https://app.example.com' }), 'external issuer': synth({ jwtIssuer: 'https://id.example.com/', jwtAudience: 'a' }) };

  it.each(Object.entries(variants))('reports no unacknowledged error (%s)', (_name, { app }) => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const errors = report.violations
      .filter((v) => v.severity === 'error')
      .map((v) => `${v.ruleName}: ${v.description} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });

  it('lets the app synthesize with the checks registered as in infra/app.ts', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    new RapportStack(app, 'Checked');
    addNagChecks(app);
    expect(() => app.synth()).not.toThrow();
  });

  it('has a reason for every acknowledgment', () => {
    const acknowledgments = variants.dev.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => ({ path: c.node.path, data: m.data as Record<string, unknown> })))
      .flatMap(({ path, data }) => Object.entries(data).map(([id, reason]) => ({ path, id, reason })));
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledgments) {
      expect(typeof reason === 'string' && reason.trim().length >= 20, `${id} at ${path}`).toBe(true);
    }
  });
});
