import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { config, requiredConfig, schedulerTargetArn } from '../config.ts';

/** A one-time job: at `at`, functions/<target>/scheduled.ts receives `payload` as its event. */
export interface ScheduledJob {
  /** Unique and stable for the job, so scheduling it twice is harmless: 1-64 of [0-9a-zA-Z-_.]. */
  name: string;
  at: Date;
  /** Bounded context whose scheduled.ts runs the job. */
  target: string;
  payload: unknown;
}

/** Delays: EventBridge Scheduler on AWS, the local scheduler in the embedded runtime. */
export interface Scheduler {
  /** Schedules the job; a job of the same name already scheduled is left as it is. */
  schedule(job: ScheduledJob): Promise<void>;
  /** Cancels the job; cancelling one that ran or never existed is not an error. */
  cancel(name: string): Promise<void>;
}

const maxInputChars = 8192;

/** EventBridge Scheduler's own limits, checked in every adapter so local runs fail where AWS would. */
export const checkJob = (job: ScheduledJob): string => {
  if (!/^[0-9a-zA-Z\-_.]{1,64}$/.test(job.name)) throw new Error(`schedule name must be 1-64 of [0-9a-zA-Z-_.]: ${job.name}`);
  if (Number.isNaN(job.at.getTime())) throw new Error(`schedule ${job.name} has an invalid time`);
  const input = JSON.stringify(job.payload ?? null);
  if (input.length > maxInputChars) throw new Error(`schedule ${job.name} payload exceeds ${maxInputChars} characters`);
  return input;
};

/** at() takes a UTC wall-clock time to the second, without zone or fraction. */
const atExpression = (at: Date) => `at(${at.toISOString().slice(0, 19)})`;

const eventBridgeScheduler = (): Scheduler => {
  const client = new SchedulerClient({});
  const GroupName = config.SCHEDULER_GROUP;
  return {
    async schedule(job) {
      const Input = checkJob(job);
      const dlq = config.SCHEDULER_DLQ_ARN;
      try {
        await client.send(
          new CreateScheduleCommand({
            Name: job.name,
            GroupName,
            ScheduleExpression: atExpression(job.at),
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Target: {
              Arn: schedulerTargetArn(job.target),
              RoleArn: requiredConfig('SCHEDULER_ROLE_ARN'),
              Input,
              DeadLetterConfig: dlq ? { Arn: dlq } : undefined,
            },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConflictException)) throw error;
      }
    },
    async cancel(name) {
      try {
        await client.send(new DeleteScheduleCommand({ Name: name, GroupName }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
  };
};

let current: Scheduler | undefined;
export const scheduler = (): Scheduler => (current ??= eventBridgeScheduler());
export const useScheduler = (s: Scheduler) => {
  current = s;
};
