import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Construct } from 'constructs';
import type { RecurringJob } from '../../functions/schedules.ts';
import { type ContextFunction, type ContextFunctionFactory, functionLabel } from './context-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import type { StackSettings } from './settings.ts';

/** 'HH:MM' (UTC) → every day at that time. */
export const dailyAt = (time: string): Schedule => {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new Error(`recurring job time must be HH:MM (UTC): ${time}`);
  return Schedule.cron({ hour: String(Number(match[1])), minute: String(Number(match[2])) });
};

export interface RecurringJobsProps {
  /** The recurring job catalog (functions/schedules.ts). */
  jobs: readonly RecurringJob[];
  functions: ContextFunctionFactory;
  settings: Pick<StackSettings, 'stage'>;
}

/**
 * One EventBridge schedule rule per recurring job, invoking functions/<context>/<entry>.ts
 * (one function per entry, however many jobs share it). Jobs are batch work,
 * so their functions may run Lambda's full 15 minutes; an invocation that cannot
 * be delivered, or still fails after Lambda's async retries, lands in the entry's DLQ.
 */
export class RecurringJobs extends Construct {
  /** By `<context>/<entry>`. */
  readonly functions = new Map<string, ContextFunction>();
  readonly deadLetters = new Map<string, DeadLetterQueue>();
  readonly rules: Rule[] = [];

  constructor(scope: Construct, id: string, props: RecurringJobsProps) {
    super(scope, id);
    for (const job of props.jobs) {
      const { fn, dlq } = this.functionFor(job, props);
      const rule = new Rule(this, `Rule-${job.name}`, {
        schedule: dailyAt(job.dailyAt),
        description: `${job.name}: every day at ${job.dailyAt} UTC → ${job.context}/${job.entry}.ts`,
      });
      rule.addTarget(new LambdaFunction(fn.function, { deadLetterQueue: dlq.queue, retryAttempts: 8, maxEventAge: Duration.hours(6) }));
      this.rules.push(rule);
    }
  }

  private functionFor(job: RecurringJob, props: RecurringJobsProps) {
    const key = `${job.context}/${job.entry}`;
    let fn = this.functions.get(key);
    let dlq = this.deadLetters.get(key);
    if (!fn || !dlq) {
      const label = functionLabel(job);
      dlq = new DeadLetterQueue(this, `DeadLetters-${label}`, props.settings);
      fn = props.functions(this, `Job-${label}`, {
        context: job.context,
        entry: job.entry,
        description: `Recurring job ${job.context}/${job.entry}.ts`,
        timeout: Duration.minutes(15),
      });
      fn.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(dlq.queue) });
      this.functions.set(key, fn);
      this.deadLetters.set(key, dlq);
    }
    return { fn, dlq };
  }
}
