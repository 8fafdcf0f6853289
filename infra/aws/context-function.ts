import { Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { envNames } from '../../shared/config.ts';
import { lambdaBundling, nodeTarget } from './bundling.ts';
import { functionEntry, lockFile, repoRoot } from './paths.ts';
import { removalPolicyFor } from './removal.ts';
import { isProd, type StackSettings } from './settings.ts';

export interface ContextFunctionProps {
  /** Bounded context: the folder under functions/. */
  context: string;
  /** Which entry of the context, without .ts: handler (HTTP, relay), subscriber (bus rules), scheduled, a recurring job's entry… */
  entry: string;
  description: string;
  /** A fixed name, for functions whose ARN must be known before they exist (scheduler targets); CloudFormation names the rest. */
  functionName?: string;
  settings: Pick<StackSettings, 'stage'>;
  /** Resource names and ARNs the code reads (TABLE_NAME, EVENT_BUS_NAME, …). */
  environment: Record<string, string>;
  timeout?: Duration;
}

/**
 * One Lambda function for one entry of a bounded context, with the settings
 * every Rapport function shares. Its role starts empty (no AWS managed policy):
 * it may write to its own log group and nothing else until a grant adds more.
 */
export class ContextFunction extends Construct {
  readonly context: string;
  readonly entry: string;
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ContextFunctionProps) {
    super(scope, id);
    this.context = props.context;
    this.entry = props.entry;
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: isProd(props.settings) ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_WEEK,
      removalPolicy: removalPolicyFor(props.settings),
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.context}/${props.entry}.ts`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: functionEntry(props.context, props.entry),
      handler: 'handler',
      functionName: props.functionName,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      // Lambda's CPU share grows with memory; 1 GB is a starting point for bench/ to tune.
      memorySize: 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      projectRoot: repoRoot,
      depsLockFilePath: lockFile,
      bundling: lambdaBundling(),
      environment: {
        ...props.environment,
        [envNames.POWERTOOLS_SERVICE_NAME]: `rapport-${props.context}`,
        [envNames.POWERTOOLS_LOG_LEVEL]: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: `Pinned to Node.js 22 on purpose: the code is bundled for ${nodeTarget} and tested on the node@22 toolchain; moving to a newer runtime is a deliberate upgrade of all three.`,
    });
  }
}

/** A readable, unique name of a function, e.g. "contacts-handler" (one function per context and entry). */
export const functionLabel = (fn: Pick<ContextFunction, 'context' | 'entry'>) => `${fn.context}-${fn.entry}`;

/** Builds a function for a context's entry with what every function running context code shares. */
export type ContextFunctionFactory = (
  scope: Construct,
  id: string,
  props: Omit<ContextFunctionProps, 'settings' | 'environment'>,
) => ContextFunction;
