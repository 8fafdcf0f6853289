import { Duration, NestedStack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  type CorsPreflightOptions,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Route } from '../../shared/http/route.ts';
import { removalPolicyFor } from './removal.ts';
import { isProd, type StackSettings } from './settings.ts';

export interface RapportHttpApiProps {
  /** The route catalog (functions/routes.ts). */
  routes: readonly Route[];
  jwtIssuer: string;
  jwtAudience: string[];
  settings: Pick<StackSettings, 'stage' | 'corsOrigins'>;
}

/** Requests per second across the stage; API Gateway answers 429 above it. */
const throttle = { rateLimit: 200, burstLimit: 400 };

/** The headers a browser client sends and reads (shared/http/handler.ts). */
const requestHeaders = ['authorization', 'content-type', 'idempotency-key', 'if-match', 'x-correlation-id'];
const responseHeaders = ['etag', 'location', 'x-correlation-id'];

const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    latency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    responseLength: '$context.responseLength',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    sub: '$context.authorizer.claims.sub',
  }),
);

/** Route key as API Gateway spells it, e.g. "GET /contacts/{id}". */
const routeKeyOf = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;

/**
 * The HTTP API: one route per catalog entry, a JWT authorizer on every route
 * that names roles (role checks themselves happen in the function, which sees
 * the verified claims), throttling and JSON access logs on the $default stage.
 * The API and its URL come first (functions put the URL in links), the routes
 * once the functions exist (`integrate`).
 */
export class RapportHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly routes: HttpRoute[] = [];
  private readonly catalog: readonly Route[];
  private readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: RapportHttpApiProps) {
    super(scope, id);
    const { settings } = props;
    this.catalog = props.routes;
    this.api = new HttpApi(this, 'Api', {
      apiName: `rapport-${settings.stage}`,
      description: 'Rapport CRM API',
      createDefaultStage: false,
      corsPreflight: corsFor(props.routes, settings.corsOrigins),
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: isProd(settings) ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_WEEK,
      removalPolicy: removalPolicyFor(settings),
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: accessLogFormat },
    });

    this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, { jwtAudience: props.jwtAudience });
  }

  /**
   * Adds every catalog route, pointing at its context's function. Routes and
   * integrations live in a nested stack: they are a resource each, and beside
   * the functions, roles, queues and alarms of every context they would take
   * one stack past CloudFormation's 500 resources.
   */
  integrate(functions: ReadonlyMap<string, IFunction>) {
    const routeStack = new NestedStack(this, 'Routes', { description: 'Rapport API routes and their Lambda integrations' });
    const integrations = new Map<string, HttpLambdaIntegration>();
    const integrationFor = (context: string) => {
      const fn = functions.get(context);
      if (!fn) throw new Error(`no function for context ${context}`);
      // One invoke permission per function for this API, not one per route: with a permission per route the
      // catalog's routes alone would pass CloudFormation's 500 resources. Each function still answers only its own
      // routes (the pipeline refuses any other route key with 404).
      if (!integrations.has(context))
        integrations.set(context, new HttpLambdaIntegration(`${context}-integration`, fn, { scopePermissionToRoute: false }));
      return integrations.get(context)!;
    };

    for (const route of this.catalog) {
      const isPublic = route.roles.length === 0;
      const httpRoute = new HttpRoute(routeStack, `Route-${route.context}-${route.op}`, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: integrationFor(route.context),
        ...(isPublic ? {} : { authorizer: this.authorizer }),
      });
      if (isPublic) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.audience === 'customer'
              ? `${routeKeyOf(route)} is a self-service portal route: no staff JWT; the function verifies the customer session token it takes instead.`
              : `${routeKeyOf(route)} is public in the route catalog (roles: []); it is answered without a token by design.`,
        });
      }
      this.routes.push(httpRoute);
    }
  }
}

const corsFor = (routes: readonly Route[], origins: string[]): CorsPreflightOptions | undefined =>
  origins.length === 0
    ? undefined
    : {
        allowOrigins: origins,
        allowMethods: [...new Set(routes.map((r) => CorsHttpMethod[r.method]))],
        allowHeaders: requestHeaders,
        exposeHeaders: responseHeaders,
        maxAge: Duration.hours(1),
      };
