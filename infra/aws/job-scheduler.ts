import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { envNames } from '../../shared/config.ts';
import type { ContextFunction, ContextFunctionFactory } from './context-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { StackSettings } from './settings.ts';

export interface JobSchedulerProps {
  /** Contexts with functions/<context>/scheduled.ts: the targets a job can name. */
  contexts: readonly string[];
  functions: ContextFunctionFactory;
  settings: Pick<StackSettings, 'stage'>;
}

/**
 * One-time jobs (shared/ports/scheduler.ts): functions create EventBridge
 * Scheduler schedules in one group; when a job is due, Scheduler assumes a role
 * that may invoke exactly the contexts' scheduled.ts functions. A job that
 * cannot be delivered, or whose function still fails after Lambda's async
 * retries, lands in the schedule DLQ.
 */
export class JobScheduler extends Construct {
  readonly groupName: string;
  readonly group: CfnScheduleGroup;
  /** The role Scheduler assumes to run jobs. */
  readonly role: Role;
  readonly deadLetters: DeadLetterQueue;
  /** functions/<context>/scheduled.ts by context. */
  readonly targets = new Map<string, ContextFunction>();
  /** What the scheduler port reads. */
  readonly environment: Record<string, string>;
  /** Creating and deleting schedules in the group, and handing Scheduler its role: attached to functions that schedule jobs. */
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: JobSchedulerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.groupName = `rapport-${props.settings.stage}`;
    this.group = new CfnScheduleGroup(this, 'Group', { name: this.groupName });
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', props.settings);
    this.role = new Role(this, 'Role', {
      description: `EventBridge Scheduler runs the jobs of schedule group ${this.groupName}`,
      // Only Scheduler, only for this account's group (no confused deputy).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnEquals: { 'aws:SourceArn': this.group.attrArn } },
      }),
    });
    // Scheduler writes undeliverable jobs to the DLQ with this role.
    this.deadLetters.queue.grantSendMessages(this.role);

    const functionNames = new Map(props.contexts.map((context) => [context, `rapport-${props.settings.stage}-${context}-scheduled`]));
    for (const [context, functionName] of functionNames) {
      const fn = props.functions(this, `Target-${context}`, {
        context,
        entry: 'scheduled',
        functionName,
        description: `Runs ${context}'s scheduled jobs`,
        timeout: Duration.seconds(30),
      });
      fn.function.configureAsyncInvoke({
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        onFailure: new SqsDestination(this.deadLetters.queue),
      });
      this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.function.functionArn] }));
      this.targets.set(context, fn);
    }

    // From the fixed names rather than the functions' attributes: a target that schedules
    // jobs itself (journeys wakes runs, which wait again) would otherwise depend on its own ARN.
    const functionArn = (name: string) =>
      stack.formatArn({ service: 'lambda', resource: 'function', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.environment = {
      [envNames.SCHEDULER_GROUP]: this.groupName,
      [envNames.SCHEDULER_ROLE_ARN]: this.role.roleArn,
      [envNames.SCHEDULER_DLQ_ARN]: this.deadLetters.queue.queueArn,
      [envNames.SCHEDULER_TARGETS]: stack.toJsonString(
        Object.fromEntries([...functionNames].map(([context, name]) => [context, functionArn(name)])),
      ),
    };

    const schedules = stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.groupName}/*` });
    this.policy = new ManagedPolicy(this, 'Scheduling', {
      description: `Create and delete one-time jobs in schedule group ${this.groupName}`,
      statements: [
        new PolicyStatement({ actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'], resources: [schedules] }),
        new PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [this.role.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        }),
      ],
    });
    Validations.of(this.policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${this.groupName}/*]`,
      reason: `Schedule names are made at run time, one per job (message id, run step), so no fixed list exists; the wildcard stays inside Rapport's own group ${this.groupName}.`,
    });
  }

  /** Lets a function schedule and cancel jobs: the scheduler port's environment and the scheduling policy. */
  grantTo(fn: ContextFunction) {
    for (const [name, value] of Object.entries(this.environment)) fn.function.addEnvironment(name, value);
    this.policy.attachToRole(fn.role);
  }
}
