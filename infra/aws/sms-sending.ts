import { Aws, Validations } from 'aws-cdk-lib';
import { Effect, ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ContextFunction } from './context-function.ts';

/** SMS through SNS: Publish with a PhoneNumber, no topic. */
export class SmsSending extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.policy = new ManagedPolicy(this, 'Publish', {
      description: 'Send SMS to phone numbers through SNS; publishing to any topic or endpoint is denied',
      statements: [
        new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }),
        new PolicyStatement({ effect: Effect.DENY, actions: ['sns:Publish'], resources: [`arn:${Aws.PARTITION}:sns:*:*:*`] }),
      ],
    });
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'sns:Publish to a phone number (SMS) has no resource ARN, so IAM can only allow it on "*"; the same policy denies publishing to every topic and endpoint ARN, which leaves SMS and nothing else.',
    });
  }

  /** Lets a function send SMS. */
  grantTo(fn: ContextFunction) {
    this.policy.attachToRole(fn.role);
  }
}
