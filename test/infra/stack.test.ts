import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { App, type CfnElement, NestedStack, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { contactKeys } from '../../functions/contacts/items.ts';
import { httpContexts, routes } from '../../functions/routes.ts';
import { recurringJobs } from '../../functions/schedules.ts';
import { subscriptions } from '../../functions/subscriptions.ts';
import { ContextFunction } from '../../infra/aws/context-function.ts';
import { messageSendingContexts } from '../../infra/aws/message-sending.ts';
import { addNagChecks } from '../../infra/aws/nag.ts';
import { dailyAt, RecurringJobs } from '../../infra/aws/recurring-jobs.ts';
import { readSettings } from '../../infra/aws/settings.ts';
import { RapportStack } from '../../infra/stack.ts';
import { table as tableDefinition } from '../../shared/db/table.ts';
import { domainEvent, outboxItem } from '../../shared/events/outbox.ts';
import { matchesPattern } from '../../shared/events/pattern.ts';

type Resource = {
  Type: string;
  Properties: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string | string[];
};

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

/** cdk.json's context (feature flags, defaults) plus overrides; bundling skipped to keep tests fast. */
const synth = (context: Record<string, unknown> = {}) => {
  // The CloudFormation schema check costs seconds per run; `cdk synth` still runs it.
  const app = new App({
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
  });
  const stack = new RapportStack(app, 'Test');
  const template = Template.fromStack(stack);
  const json = template.toJSON() as {
    Resources: Record<string, Resource>;
    Outputs: Record<string, { Value: unknown; Description?: string }>;
  };
  const resources = json.Resources;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const only = (type: string): [string, Resource] => {
    const found = ofType(type);
    expect(found, type).toHaveLength(1);
    return found[0]!;
  };
  /** Every Lambda function with the entry its role says it runs ("Runs <context>/<entry>.ts"). */
  const functions = () =>
    ofType('AWS::Lambda::Function').map(([id, fn]) => {
      const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
      const [, context, entry] = /^Runs ([^/]+)\/(.+)\.ts$/.exec(resources[roleId]!.Properties.Description as string)!;
      return { id, fn, roleId, context: context!, entry: entry!, env: fn.Properties.Environment.Variables as Record<string, unknown> };
    });
  const managedPoliciesOf = (roleId: string) =>
    ofType('AWS::IAM::ManagedPolicy').filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId));
  /** The nested stack of the API's routes: its resources, and what the parent passes for each of its parameters. */
  const routeStack = () => {
    const nested = stack.node.findAll().find((c): c is NestedStack => c instanceof NestedStack)!;
    const nestedResources = (Template.fromStack(nested).toJSON() as { Resources: Record<string, Resource> }).Resources;
    const [, stackResource] = Object.entries(resources).find(
      ([id, r]) => r.Type === 'AWS::CloudFormation::Stack' && id === stack.getLogicalId(nested.nestedStackResource!),
    )!;
    const passed = (ref: { Ref: string }) => stackResource.Properties.Parameters[ref.Ref] as unknown;
    return { resources: nestedResources, passed };
  };
  return { app, stack, template, resources, outputs: json.Outputs, ofType, only, functions, managedPoliciesOf, routeStack };
};

const logicalIdOf = (stack: Stack, construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const findPath = (stack: Stack, path: string) => stack.node.findAll().find((c) => c.node.path === `${stack.node.path}/${path}`)!;
const functionIdOf = (stack: Stack, path: string) => logicalIdOf(stack, findPath(stack, `${path}/Function`));
/** The resource a construct path (under the stack) made, with its logical id. */
const resourceAt = (synthesized: { stack: Stack; resources: Record<string, Resource> }, path: string): [string, Resource] => {
  const id = synthesized.stack.getLogicalId(findPath(synthesized.stack, path) as CfnElement);
  return [id, synthesized.resources[id]!];
};

/** A template value as text: Fn::Join flattened, Ref and Fn::GetAtt written ${Name} and ${Name.Attr}. */
const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(text).join(v['Fn::Join'][0]);
  if (v.Ref) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
};
const arn = (service: string, resource: string) => `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`;
const statementsOf = (policy: Resource) =>
  policy.Properties.PolicyDocument.Statement as { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[];
const actionsOf = (statement: { Action: string | string[] }) => [statement.Action].flat();

/** The contexts with functions/<context>/<file> on disk. */
const contextsWith = (file: string) =>
  readdirSync(new URL('../../functions/', import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(new URL(`../../functions/${entry.name}/${file}`, import.meta.url)))
    .map((entry) => entry.name)
    .sort();
const scheduledContexts = contextsWith('scheduled.ts');
const subscriberContexts = new Set(subscriptions.map((s) => s.context));
const recurringEntries = new Set(recurringJobs.map((job) => `${job.context}/${job.entry}`));

const mailFrom = 'Acme CRM <no-reply@mail.example.com>';
const smsTenants = { '+12125550101': 'acme', '*': 'globex' };

const dev = synth();
/** dev with email and two-way SMS configured. */
const sending = synth({ mailFrom, smsTenants: JSON.stringify(smsTenants) });
const prod = synth({
  stage: 'prod',
  mailFrom,
  jwtIssuer: 'https://id.example.com/',
  jwtAudience: 'rapport-api,rapport-web',
  corsOrigins: 'https://app.example.com',
});
const prodWithPool = synth({ stage: 'prod', mailFrom: 'no-reply@example.com', corsOrigins: 'https://app.example.com' });

describe('RapportStack (dev, Cognito user pool)', () => {
  it('has every catalog route exactly once, pointing at its context function, with the JWT authorizer unless public', () => {
    const nested = dev.routeStack();
    const apiRoutes = Object.values(nested.resources)
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map((r) => r.Properties);
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
        expect(nested.passed(apiRoute.AuthorizerId)).toEqual({ Ref: authorizerId });
      }
      const integrationId = apiRoute.Target['Fn::Join'][1][1].Ref as string;
      expect(nested.passed(nested.resources[integrationId]!.Properties.IntegrationUri), apiRoute.RouteKey).toEqual({
        'Fn::GetAtt': [functionIdOf(dev.stack, `Http-${route.context}`), 'Arn'],
      });
    }
  });

  it("stays under CloudFormation's 500 resources per stack, the routes in their own nested stack", () => {
    expect(Object.keys(dev.resources).length).toBeLessThan(500);
    expect(Object.keys(dev.routeStack().resources).length).toBeLessThan(500);
  });

  it('trusts tokens from its own user pool: issuer and audience are the pool and its app client', () => {
    const [poolId, pool] = dev.only('AWS::Cognito::UserPool');
    const [clientId] = dev.only('AWS::Cognito::UserPoolClient');
    const [, authorizer] = dev.only('AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties.JwtConfiguration).toEqual({
      Issuer: { 'Fn::GetAtt': [poolId, 'ProviderURL'] },
      Audience: [{ Ref: clientId }],
    });
    expect(pool.Properties.Schema).toContainEqual(expect.objectContaining({ Name: 'tenant', Mutable: false }));
    const groups = dev.ofType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', 'analyst', 'marketing', 'sales', 'support']);
  });

  it('gives the tenant to the ID token but never lets a user write it', () => {
    const [, client] = dev.only('AWS::Cognito::UserPoolClient');
    expect(client.Properties.ReadAttributes).toContain('custom:tenant');
    expect(client.Properties.WriteAttributes).not.toContain('custom:tenant');
  });

  it('runs one function per entry: HTTP contexts, the relay, subscriber contexts, scheduled.ts files, recurring entries, inbound SMS; all Node 22 on arm64', () => {
    const functions = dev.ofType('AWS::Lambda::Function');
    const expected = [
      ...httpContexts.map((context) => `${context}/handler`),
      'relay/handler',
      ...[...subscriberContexts].map((context) => `${context}/subscriber`),
      ...scheduledContexts.map((context) => `${context}/scheduled`),
      ...recurringEntries,
      'messaging/inbound-sms',
    ];
    expect(
      dev
        .functions()
        .map((f) => `${f.context}/${f.entry}`)
        .sort(),
    ).toEqual(expected.sort());
    for (const context of httpContexts) expect(dev.resources[functionIdOf(dev.stack, `Http-${context}`)]).toBeDefined();
    for (const context of subscriberContexts)
      expect(dev.resources[functionIdOf(dev.stack, `Subscribers/Subscriber-${context}`)]).toBeDefined();
    for (const [id, fn] of functions) {
      expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS, id).toBe('--enable-source-maps');
      expect(fn.Properties.LoggingConfig.LogGroup, id).toBeDefined();
    }
    const http = dev.resources[functionIdOf(dev.stack, 'Http-contacts')]!.Properties.Environment.Variables;
    expect(Object.keys(http)).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'EVENT_BUS_NAME', 'SIGNING_SECRET_ARN', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL']),
    );
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
    const keyNames = [
      tableDefinition.partitionKey,
      tableDefinition.sortKey,
      ...Object.values(tableDefinition.indexes).flatMap((i) => [i.partitionKey, i.sortKey]),
    ];
    expect(p.AttributeDefinitions).toEqual(
      expect.arrayContaining(keyNames.map((AttributeName) => ({ AttributeName, AttributeType: 'S' }))),
    );
    expect(p.AttributeDefinitions).toHaveLength(keyNames.length);
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: tableDefinition.ttlAttribute, Enabled: true });
    expect(p.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('lets no function Scan the table or reach it through an index wildcard', () => {
    for (const [id, policy] of [...sending.ofType('AWS::IAM::Policy'), ...sending.ofType('AWS::IAM::ManagedPolicy')]) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat() as string[];
        expect(actions, id).not.toContain('dynamodb:Scan');
        expect(
          actions.filter((a) => a.endsWith('*')),
          id,
        ).toEqual([]);
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
    expect(p.DestinationConfig.OnFailure.Destination).toEqual({
      'Fn::GetAtt': [logicalIdOf(dev.stack, findPath(dev.stack, 'Outbox/DeadLetters/Queue')), 'Arn'],
    });

    const [filter] = p.FilterCriteria.Filters as { Pattern: string }[];
    const pattern = JSON.parse(filter!.Pattern) as Record<string, unknown>;
    expect(pattern).toEqual({ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['OUTBOX'] } } } });
    const record = (eventName: string, item: object) => ({
      eventName,
      dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) },
    });
    const outbox = outboxItem(domainEvent('acme', 'contact.deleted', { contactId: 'c1' }));
    expect(matchesPattern(pattern, record('INSERT', outbox))).toBe(true);
    expect(matchesPattern(pattern, record('MODIFY', outbox))).toBe(false);
    expect(matchesPattern(pattern, record('INSERT', { ...contactKeys.contact('acme', 'c1'), entity: 'CONTACT' }))).toBe(false);
  });

  it('lets only the relay publish to the bus', () => {
    const publishers = dev
      .ofType('AWS::IAM::Policy')
      .filter(([, policy]) =>
        policy.Properties.PolicyDocument.Statement.some((s: { Action: string | string[] }) =>
          [s.Action].flat().includes('events:PutEvents'),
        ),
      );
    expect(publishers.map(([, p]) => p.Properties.Roles)).toEqual([
      [{ Ref: logicalIdOf(dev.stack, findPath(dev.stack, 'Outbox/Relay/Role')) }],
    ]);
  });

  it('turns each subscription into a rule on its bus targeting its context subscriber, with retries and a DLQ', () => {
    const rules = dev.ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    expect(rules).toHaveLength(subscriptions.length + recurringJobs.length);
    const [busId] = dev.only('AWS::Events::EventBus');
    expect(subscriptions.map((s) => s.bus)).toContain('default');
    for (const subscription of subscriptions) {
      const rule = rules.find((r) => r.Description.startsWith(`${subscription.name} `))!;
      expect(rule.EventPattern).toEqual(subscription.pattern);
      // AWS publishes its services' events (SES) on the account's default bus only.
      expect(rule.EventBusName, subscription.name).toEqual(subscription.bus === 'default' ? 'default' : { Ref: busId });
      const [target] = rule.Targets;
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [functionIdOf(dev.stack, `Subscribers/Subscriber-${subscription.context}`), 'Arn'] });
      expect(target.DeadLetterConfig.Arn['Fn::GetAtt'][0]).toBe(
        logicalIdOf(dev.stack, findPath(dev.stack, `Subscribers/DeadLetters-${subscription.context}/Queue`)),
      );
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    }
  });

  it('names the bus after the stage and archives its events', () => {
    dev.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'rapport-dev' });
    dev.template.resourceCountIs('AWS::Events::Archive', 1);
  });

  it('encrypts every DLQ and refuses non-TLS requests to it', () => {
    const queues = dev.ofType('AWS::SQS::Queue');
    // relay, subscriber contexts, schedules, recurring entries, inbound SMS
    expect(queues).toHaveLength(1 + subscriberContexts.size + 1 + recurringEntries.size + 1);
    for (const [id, queue] of queues) {
      expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
      const policy = dev.ofType('AWS::SQS::QueuePolicy').find(([, p]) => JSON.stringify(p.Properties.Queues).includes(id));
      expect(JSON.stringify(policy?.[1].Properties.PolicyDocument), id).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('alarms on every function error, every DLQ message and API 5xx', () => {
    const alarms = dev.ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const watched = (metric: string) =>
      alarms.filter((a) => a.MetricName === metric).map((a) => a.Dimensions[0].Value.Ref ?? a.Dimensions[0].Value['Fn::GetAtt']?.[0]);
    expect(watched('Errors').sort()).toEqual(
      dev
        .ofType('AWS::Lambda::Function')
        .map(([id]) => id)
        .sort(),
    );
    expect(watched('ApproximateNumberOfMessagesVisible').sort()).toEqual(
      dev
        .ofType('AWS::SQS::Queue')
        .map(([id]) => id)
        .sort(),
    );
    expect(alarms.filter((a) => a.MetricName === '5xx')).toHaveLength(1);
    for (const alarm of alarms.filter((a) => a.Namespace !== 'AWS/SES'))
      expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('alarms before SES would pause sending: bounce rate above 5 %, complaint rate above 0.25 %', () => {
    const ses = dev
      .ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .filter((a) => a.Namespace === 'AWS/SES');
    expect(ses.map((a) => [a.MetricName, a.Threshold]).sort()).toEqual([
      ['Reputation.BounceRate', 0.05],
      ['Reputation.ComplaintRate', 0.0025],
    ]);
    for (const alarm of ses) expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
  });

  it('sends every alarm to one encrypted topic, given as a stack output', () => {
    const topicId = dev.outputs.AlarmTopicArn!.Value as { Ref: string };
    const [, topic] = dev.ofType('AWS::SNS::Topic').find(([id]) => id === topicId.Ref)!;
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const policy = dev.ofType('AWS::SNS::TopicPolicy').find(([, p]) => JSON.stringify(p.Properties.Topics).includes(topicId.Ref));
    expect(JSON.stringify(policy?.[1].Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    for (const [id, alarm] of dev.ofType('AWS::CloudWatch::Alarm')) expect(alarm.Properties.AlarmActions, id).toEqual([topicId]);
  });

  it('throttles the API and writes JSON access logs with request id, route, status and latency', () => {
    const [, stage] = dev.only('AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: expect.any(Number),
      ThrottlingBurstLimit: expect.any(Number),
    });
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
  });

  it('has no CORS unless origins are configured', () => {
    const [, api] = dev.only('AWS::ApiGatewayV2::Api');
    expect(api.Properties.CorsConfiguration).toBeUndefined();
  });

  it('outputs the API URL, user pool, client, table, bus, email configuration set, alarm topic and inbound SMS topic', () => {
    expect(Object.keys(dev.outputs).sort()).toEqual([
      'AlarmTopicArn',
      'ApiUrl',
      'EmailConfigurationSet',
      'EventBusName',
      'InboundSmsTopicArn',
      'TableName',
      'UserPoolClientId',
      'UserPoolId',
    ]);
  });

  it('has no dependency cycle between resources', () => {
    const references = (value: unknown, found: Set<string>): Set<string> => {
      if (Array.isArray(value)) for (const v of value) references(v, found);
      else if (value && typeof value === 'object') {
        for (const [key, v] of Object.entries(value)) {
          if (key === 'Ref' && typeof v === 'string') found.add(v);
          else if (key === 'Fn::GetAtt') found.add((v as string[])[0]!);
          else references(v, found);
        }
      }
      return found;
    };
    for (const variant of [dev, sending]) {
      const edges = new Map(
        Object.entries(variant.resources).map(([id, r]) => [
          id,
          [...references(r.Properties, new Set([r.DependsOn ?? []].flat()))].filter((ref) => ref in variant.resources),
        ]),
      );
      const state = new Map<string, 'visiting' | 'done'>();
      const visit = (id: string, path: string[]) => {
        if (state.get(id) === 'visiting') throw new Error(`cycle: ${[...path, id].join(' → ')}`);
        if (state.get(id) === 'done') return;
        state.set(id, 'visiting');
        for (const next of edges.get(id)!) visit(next, [...path, id]);
        state.set(id, 'done');
      };
      for (const id of edges.keys()) visit(id, []);
    }
  });

  it('lets dev data go with the stack', () => {
    const [, table] = dev.only('AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties.DeletionProtectionEnabled).toBe(false);
  });
});

describe('RapportStack (prod, external issuer, CORS)', () => {
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

const schedulerDlqId = (v: typeof dev) => logicalIdOf(v.stack, findPath(v.stack, 'Scheduler/DeadLetters/Queue'));
const invokeConfigOf = (v: typeof dev, functionId: string) =>
  v.ofType('AWS::Lambda::EventInvokeConfig').find(([, c]) => c.Properties.FunctionName.Ref === functionId)![1];

describe('one-time jobs (EventBridge Scheduler)', () => {
  const targets = dev.functions().filter((f) => f.entry === 'scheduled');

  it('has one schedule group named after the stage and a target per functions/*/scheduled.ts, under the ARN SCHEDULER_TARGETS gives', () => {
    const [, group] = dev.only('AWS::Scheduler::ScheduleGroup');
    expect(group.Properties.Name).toBe('rapport-dev');
    expect(scheduledContexts).toContain('messaging');
    expect(targets.map((t) => t.context).sort()).toEqual(scheduledContexts);
    const schedulers = dev.functions().filter((f) => 'SCHEDULER_TARGETS' in f.env);
    expect(schedulers.length).toBeGreaterThan(0);
    for (const f of schedulers) {
      expect(f.env.SCHEDULER_GROUP).toBe('rapport-dev');
      const targetArns = JSON.parse(text(f.env.SCHEDULER_TARGETS)) as Record<string, string>;
      expect(Object.keys(targetArns).sort()).toEqual(scheduledContexts);
      for (const target of targets) expect(targetArns[target.context]).toBe(arn('lambda', `function:${target.fn.Properties.FunctionName}`));
    }
  });

  it('lets only Scheduler, for this account and group, assume its role, which may invoke exactly the targets and write to the schedule DLQ', () => {
    const [groupId] = dev.only('AWS::Scheduler::ScheduleGroup');
    const roleId = logicalIdOf(dev.stack, findPath(dev.stack, 'Scheduler/Role'));
    expect(dev.resources[roleId]!.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [groupId, 'Arn'] } },
        },
      },
    ]);
    const statements = dev
      .ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => statementsOf(p));
    const resourcesFor = (action: string) =>
      statements.filter((s) => actionsOf(s).includes(action)).flatMap((s) => [s.Resource].flat().map(text));
    expect(resourcesFor('lambda:InvokeFunction').sort()).toEqual(targets.map((t) => `\${${t.id}.Arn}`).sort());
    expect(resourcesFor('sqs:SendMessage')).toEqual([`\${${schedulerDlqId(dev)}.Arn}`]);
    expect(new Set(statements.flatMap(actionsOf))).toEqual(
      new Set(['lambda:InvokeFunction', 'sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl']),
    );
    expect(dev.managedPoliciesOf(roleId)).toEqual([]);
    for (const f of dev.functions().filter((f) => 'SCHEDULER_ROLE_ARN' in f.env)) {
      expect(f.env.SCHEDULER_ROLE_ARN).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      expect(f.env.SCHEDULER_DLQ_ARN).toEqual({ 'Fn::GetAtt': [schedulerDlqId(dev), 'Arn'] });
    }
  });

  it('parks a job whose function still fails after its retries in the schedule DLQ', () => {
    for (const target of targets) {
      expect(invokeConfigOf(dev, target.id).Properties.DestinationConfig.OnFailure.Destination, target.context).toEqual({
        'Fn::GetAtt': [schedulerDlqId(dev), 'Arn'],
      });
    }
  });

  it('lets functions create and delete schedules in the group only, and pass the scheduler role to Scheduler only', () => {
    const policy = dev.resources[logicalIdOf(dev.stack, findPath(dev.stack, 'Scheduler/Scheduling'))]!;
    const roleId = logicalIdOf(dev.stack, findPath(dev.stack, 'Scheduler/Role'));
    expect(statementsOf(policy).map((s) => ({ ...s, Resource: text(s.Resource) }))).toEqual([
      {
        Effect: 'Allow',
        Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        Resource: arn('scheduler', 'schedule/rapport-dev/*'),
      },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: `\${${roleId}.Arn}`,
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  });
});

describe('message sending', () => {
  it('gives every function of the message-sending contexts the scheduler, SES and SMS, and no other function any of them', () => {
    const capabilityPolicies = ['Scheduler/Scheduling', 'Email/Send', 'Sms/Publish']
      .map((path) => logicalIdOf(sending.stack, findPath(sending.stack, path)))
      .sort();
    const capabilityEnv = [
      'SCHEDULER_GROUP',
      'SCHEDULER_ROLE_ARN',
      'SCHEDULER_DLQ_ARN',
      'SCHEDULER_TARGETS',
      'MAIL_FROM',
      'SES_CONFIGURATION_SET',
    ];
    const functions = sending.functions();
    for (const context of messageSendingContexts)
      expect(
        functions.some((f) => f.context === context),
        context,
      ).toBe(true);
    for (const f of functions) {
      const sends = messageSendingContexts.includes(f.context);
      const name = `${f.context}/${f.entry}`;
      expect(
        sending
          .managedPoliciesOf(f.roleId)
          .map(([id]) => id)
          .sort(),
        name,
      ).toEqual(sends ? capabilityPolicies : []);
      for (const variable of capabilityEnv) expect(variable in f.env, `${variable} in ${name}`).toBe(sends);
      if (sends) expect(f.env.MAIL_FROM, name).toBe(mailFrom);
    }
  });

  it('gives every function running context code the API URL as PUBLIC_BASE_URL, for links in emails', () => {
    const functions = dev.functions().filter((f) => f.context !== 'relay');
    expect(functions.length).toBeGreaterThan(httpContexts.length);
    for (const f of functions) expect(f.env.PUBLIC_BASE_URL, `${f.context}/${f.entry}`).toEqual(dev.outputs.ApiUrl!.Value);
  });
});

/** SES event destination types and the detail-type SES gives each on EventBridge. */
const sesDetailTypes: Record<string, string> = {
  send: 'Email Sent',
  reject: 'Email Rejected',
  bounce: 'Email Bounced',
  complaint: 'Email Complaint Received',
  delivery: 'Email Delivered',
  open: 'Email Opened',
  click: 'Email Clicked',
  renderingFailure: 'Email Rendering Failed',
  deliveryDelay: 'Email Delivery Delayed',
  subscription: 'Email Subscribed',
};

describe('email (SES v2)', () => {
  it('publishes to the default bus exactly the SES events the default-bus subscriptions listen to', () => {
    const [setId, set] = dev.only('AWS::SES::ConfigurationSet');
    expect(set.Properties.Name).toBe('rapport-dev');
    const [, destination] = dev.only('AWS::SES::ConfigurationSetEventDestination');
    expect(destination.Properties.ConfigurationSetName).toEqual({ Ref: setId });
    const { Enabled, EventBridgeDestination, MatchingEventTypes } = destination.Properties.EventDestination;
    expect(Enabled).toBe(true);
    expect(text(EventBridgeDestination.EventBusArn)).toBe(arn('events', 'event-bus/default'));
    const listened = subscriptions
      .filter((s) => s.bus === 'default' && s.pattern.source.includes('aws.ses'))
      .flatMap((s) => s.pattern['detail-type']);
    expect((MatchingEventTypes as string[]).map((type) => sesDetailTypes[type]).sort()).toEqual([...new Set(listened)].sort());
    expect((MatchingEventTypes as string[]).sort()).toEqual(['bounce', 'click', 'complaint', 'delivery', 'open']);
    for (const f of dev.functions().filter((f) => 'SES_CONFIGURATION_SET' in f.env))
      expect(f.env.SES_CONFIGURATION_SET).toBe('rapport-dev');
  });

  it("lets functions send only from mailFrom's domain, with the configuration set, and says which domain SES must have verified", () => {
    const policyId = logicalIdOf(sending.stack, findPath(sending.stack, 'Email/Send'));
    expect(statementsOf(sending.resources[policyId]!).map((s) => ({ ...s, Resource: [s.Resource].flat().map(text).sort() }))).toEqual([
      {
        Effect: 'Allow',
        Action: ['ses:SendEmail', 'ses:SendRawEmail'],
        Resource: [arn('ses', 'configuration-set/rapport-dev'), arn('ses', 'identity/mail.example.com')],
      },
    ]);
    const sesPolicies = [...sending.ofType('AWS::IAM::Policy'), ...sending.ofType('AWS::IAM::ManagedPolicy')].filter(([, p]) =>
      statementsOf(p).some((s) => actionsOf(s).some((a) => a.startsWith('ses:'))),
    );
    expect(sesPolicies.map(([id]) => id)).toEqual([policyId]);
    expect(sending.outputs.MailFromDomain).toEqual({
      Value: 'mail.example.com',
      Description: expect.stringContaining('must be a verified SES identity'),
    });
  });

  it('without mailFrom, lets no function send email, and warns at synth', () => {
    const actions = [...dev.ofType('AWS::IAM::Policy'), ...dev.ofType('AWS::IAM::ManagedPolicy')]
      .flatMap(([, p]) => statementsOf(p))
      .flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('ses:'))).toEqual([]);
    expect(dev.functions().filter((f) => 'MAIL_FROM' in f.env)).toEqual([]);
    expect(dev.outputs.MailFromDomain).toBeUndefined();
    const warnings = dev.stack.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringContaining('mailFrom is not set')]);
    expect(sending.stack.node.metadata.filter((m) => m.type === 'aws:cdk:warning')).toEqual([]);
  });
});

describe('SMS (SNS and End User Messaging)', () => {
  const receiver = (v: typeof dev) => v.functions().find((f) => f.entry === 'inbound-sms')!;

  it('lets senders publish to phone numbers and to no topic or endpoint', () => {
    const policy = dev.resources[logicalIdOf(dev.stack, findPath(dev.stack, 'Sms/Publish'))]!;
    expect(statementsOf(policy).map((s) => ({ ...s, Resource: text(s.Resource) }))).toEqual([
      { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' },
      { Effect: 'Deny', Action: 'sns:Publish', Resource: 'arn:${AWS::Partition}:sns:*:*:*' },
    ]);
  });

  it('receives inbound SMS on a TLS-only topic, encrypted with a rotating key, that only End User Messaging of this account may publish to', () => {
    const [topicId, topic] = resourceAt(dev, 'InboundSms/Topic/Resource');
    const [keyId, key] = resourceAt(dev, 'InboundSms/Key/Resource');
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const endUserMessaging = { Service: 'sms-voice.amazonaws.com' };
    const sourceAccount = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } };
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: endUserMessaging,
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: sourceAccount,
      }),
    );
    const [, topicPolicy] = resourceAt(dev, 'InboundSms/Topic/Policy/Resource');
    const statements = topicPolicy.Properties.PolicyDocument.Statement as Record<string, unknown>[];
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([
      expect.objectContaining({ Principal: endUserMessaging, Action: 'sns:Publish', Resource: { Ref: topicId }, Condition: sourceAccount }),
    ]);
    expect(dev.outputs.InboundSmsTopicArn).toMatchObject({ Value: { Ref: topicId }, Description: expect.stringContaining('two-way SMS') });
  });

  it('delivers inbound SMS to functions/messaging/inbound-sms.ts, parking what cannot be delivered or handled in a DLQ', () => {
    const [topicId] = resourceAt(dev, 'InboundSms/Topic/Resource');
    const [, subscription] = dev.only('AWS::SNS::Subscription');
    const fn = receiver(dev);
    expect(fn.context).toBe('messaging');
    const dlq = { 'Fn::GetAtt': [logicalIdOf(dev.stack, findPath(dev.stack, 'InboundSms/DeadLetters/Queue')), 'Arn'] };
    expect(subscription.Properties).toEqual({
      Protocol: 'lambda',
      TopicArn: { Ref: topicId },
      Endpoint: { 'Fn::GetAtt': [fn.id, 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: dlq },
    });
    expect(invokeConfigOf(dev, fn.id).Properties.DestinationConfig.OnFailure.Destination).toEqual(dlq);
  });

  it('gives the inbound function the number → tenant map of context smsTenants', () => {
    expect(JSON.parse(receiver(sending).env.SMS_TENANT_BY_NUMBER as string)).toEqual(smsTenants);
    expect(JSON.parse(receiver(dev).env.SMS_TENANT_BY_NUMBER as string)).toEqual({});
  });
});

describe('recurring jobs', () => {
  it('turns each catalog job into a daily rule on the default bus targeting its entry, with retries and a DLQ', () => {
    for (const job of recurringJobs) {
      const [, rule] = dev.ofType('AWS::Events::Rule').find(([, r]) => (r.Properties.Description as string).startsWith(`${job.name}: `))!;
      const [hours, minutes] = job.dailyAt.split(':').map(Number);
      expect(rule.Properties.ScheduleExpression).toBe(`cron(${minutes} ${hours} * * ? *)`);
      expect(rule.Properties.EventBusName).toBeUndefined();
      const fn = dev.functions().find((f) => f.context === job.context && f.entry === job.entry)!;
      const [target] = rule.Properties.Targets;
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [fn.id, 'Arn'] });
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(invokeConfigOf(dev, fn.id).Properties.DestinationConfig.OnFailure.Destination).toEqual(target.DeadLetterConfig.Arn);
    }
  });

  it('builds a rule per job and one function per entry file, whatever the entry is called', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Jobs');
    const settings = { stage: 'test' };
    new RecurringJobs(stack, 'Jobs', {
      jobs: [
        { name: 'nightly', context: 'journeys', entry: 'sweep', dailyAt: '23:45' },
        { name: 'morning', context: 'journeys', entry: 'sweep', dailyAt: '07:05' },
        { name: 'midnight', context: 'messaging', entry: 'inbound-sms', dailyAt: '00:00' },
      ],
      functions: (scope, id, props) => new ContextFunction(scope, id, { ...props, settings, environment: {} }),
      settings,
    });
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
    const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
    const entryOf = (functionId: string) => resources[resources[functionId]!.Properties.Role['Fn::GetAtt'][0]]!.Properties.Description;
    const rules = Object.fromEntries(
      ofType('AWS::Events::Rule').map(([, r]) => [
        (r.Properties.Description as string).split(':')[0],
        { schedule: r.Properties.ScheduleExpression, runs: entryOf(r.Properties.Targets[0].Arn['Fn::GetAtt'][0]) },
      ]),
    );
    expect(rules).toEqual({
      nightly: { schedule: 'cron(45 23 * * ? *)', runs: 'Runs journeys/sweep.ts' },
      morning: { schedule: 'cron(5 7 * * ? *)', runs: 'Runs journeys/sweep.ts' },
      midnight: { schedule: 'cron(0 0 * * ? *)', runs: 'Runs messaging/inbound-sms.ts' },
    });
    expect(ofType('AWS::Lambda::Function').map(([, fn]) => fn.Properties.Timeout)).toEqual([900, 900]);
    expect(ofType('AWS::SQS::Queue')).toHaveLength(2);
  });

  it('refuses a time that is not HH:MM in 24-hour UTC', () => {
    for (const time of ['6:00', '24:00', '12:60', '12:5', 'noon', '']) expect(() => dailyAt(time), time).toThrow(/HH:MM/);
    expect(dailyAt('09:30').expressionString).toBe('cron(30 9 * * ? *)');
  });
});

describe('context settings', () => {
  const settingsFrom = (context: Record<string, unknown>) => readSettings(new App({ context }).node);

  it('takes mailFrom as an address or "Name <address>" and refuses anything else', () => {
    expect(settingsFrom({ mailFrom }).mailFrom).toBe(mailFrom);
    expect(settingsFrom({ mailFrom: 'no-reply@example.com' }).mailFrom).toBe('no-reply@example.com');
    expect(settingsFrom({}).mailFrom).toBeUndefined();
    for (const bad of ['no-reply', 'no-reply@localhost', 'Acme <a@example.com', 'a b@example.com', 'Acme <>']) {
      expect(() => settingsFrom({ mailFrom: bad }), bad).toThrow(/mailFrom/);
    }
  });

  it('requires mailFrom in prod', () => {
    expect(() => settingsFrom({ stage: 'prod' })).toThrow(/mailFrom is required/);
  });

  it('takes smsTenants as JSON text or an object, keyed by E.164 numbers or "*"', () => {
    expect(settingsFrom({ smsTenants: JSON.stringify(smsTenants) }).smsTenants).toEqual(smsTenants);
    expect(settingsFrom({ smsTenants }).smsTenants).toEqual(smsTenants);
    expect(settingsFrom({}).smsTenants).toEqual({});
    expect(() => settingsFrom({ smsTenants: { '212-555-0101': 'acme' } })).toThrow(/E\.164/);
    expect(() => settingsFrom({ smsTenants: { '+12125550101': 'Not A Tenant' } })).toThrow(/tenant/);
    expect(() => settingsFrom({ smsTenants: '{not json' })).toThrow(/not JSON/);
    expect(() => settingsFrom({ smsTenants: '["+12125550101"]' })).toThrow(/JSON object/);
  });
});

describe('cdk-nag AwsSolutions', () => {
  const variants = { dev, 'dev with email and SMS': sending, prod: prodWithPool, 'prod, external issuer': prod };

  it.each(Object.entries(variants))('reports no unacknowledged error (%s)', (_name, { app }) => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const errors = report.violations
      .filter((v) => v.severity === 'error')
      .map((v) => `${v.ruleName}: ${v.description} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });

  it('lets the app synthesize with the checks registered as in infra/app.ts', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], mailFrom: 'no-reply@example.com' },
      builtinCloudFormationValidation: false,
    });
    new RapportStack(app, 'Checked');
    addNagChecks(app);
    expect(() => app.synth()).not.toThrow();
  });

  it('has a reason for every acknowledgment', () => {
    const acknowledgments = sending.app.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .map((m) => ({ path: c.node.path, data: m.data as Record<string, unknown> })),
      )
      .flatMap(({ path, data }) => Object.entries(data).map(([id, reason]) => ({ path, id, reason })));
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledgments) {
      expect(typeof reason === 'string' && reason.trim().length >= 20, `${id} at ${path}`).toBe(true);
    }
  });
});
