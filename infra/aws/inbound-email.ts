import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { ReceiptRuleSet, TlsPolicy } from 'aws-cdk-lib/aws-ses';
import { Lambda, LambdaInvocationType, S3 } from 'aws-cdk-lib/aws-ses-actions';
import { Construct } from 'constructs';
import { envNames } from '../../shared/config.ts';
import { receivedMailPrefix } from '../../shared/ports/received-mail.ts';
import type { ContextFunction, ContextFunctionFactory } from './context-function.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';
import { removalPolicyFor } from './removal.ts';
import type { StackSettings } from './settings.ts';

export interface InboundEmailProps {
  functions: ContextFunctionFactory;
  settings: Pick<StackSettings, 'stage'> & Required<Pick<StackSettings, 'inboundEmailDomain'>> & Pick<StackSettings, 'inboundEmailTenants'>;
}

/** Received mail is kept this long: long enough to re-run a message by hand, not longer. */
export const receivedMailDays = 30;

/**
 * Support mail in: an SES receipt rule set whose one rule, for the receiving
 * domain (and the mapped addresses), stores each message in the bucket under
 * inbound/<SES message id> and then invokes functions/intake/inbound-email.ts
 * with the receipt (recipients, spam and virus verdicts), which reads the
 * object and files it as a ticket or a reply. The bucket is private, TLS-only,
 * S3-managed encrypted (SES writes SSE-S3 objects without a key policy) and
 * expires raw mail after 30 days.
 *
 * CloudFormation cannot make a rule set active: after the first deploy run
 * `aws ses set-active-receipt-rule-set --rule-set-name <InboundEmailRuleSet output>`
 * once, and point the domain's MX record at inbound-smtp.<region>.amazonaws.com.
 */
export class InboundEmail extends Construct {
  readonly bucket: Bucket;
  readonly ruleSet: ReceiptRuleSet;
  readonly function: ContextFunction;
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: InboundEmailProps) {
    super(scope, id);
    const { settings } = props;
    this.bucket = new Bucket(this, 'Mail', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: false,
      lifecycleRules: [
        { id: 'expire-received-mail', expiration: Duration.days(receivedMailDays), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: removalPolicyFor(settings),
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only SES writes this bucket (its service principal, for this account) and only the inbound email function reads it; objects expire after 30 days. CloudTrail data events are the audit trail, not server access logs.',
    });

    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', settings);
    this.function = props.functions(this, 'Receiver', {
      context: 'intake',
      entry: 'inbound-email',
      description: 'Files received support mail as tickets and replies',
      timeout: Duration.seconds(60),
    });
    const fn = this.function.function;
    fn.addEnvironment(envNames.INBOUND_EMAIL_BUCKET, this.bucket.bucketName);
    fn.addEnvironment(envNames.INBOUND_EMAIL_DOMAIN, settings.inboundEmailDomain);
    fn.addEnvironment(envNames.INBOUND_EMAIL_TENANTS, JSON.stringify(settings.inboundEmailTenants ?? {}));
    fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.deadLetters.queue) });
    const readMail = new ManagedPolicy(this, 'ReadMail', {
      description: 'Read the received mail SES stored',
      statements: [new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${receivedMailPrefix}*`)] })],
    });
    readMail.attachToRole(this.function.role);
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    Validations.of(readMail).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${receivedMailPrefix}*]`,
      reason:
        'Object keys are SES message ids, known only when mail arrives; the function may only read objects under the prefix SES writes.',
    });

    this.ruleSet = new ReceiptRuleSet(this, 'RuleSet', {
      receiptRuleSetName: `rapport-${settings.stage}-${Stack.of(this).node.addr.slice(0, 8)}`,
    });
    this.ruleSet.addRule('Support', {
      recipients: [settings.inboundEmailDomain, ...Object.keys(settings.inboundEmailTenants ?? {})],
      scanEnabled: true,
      tlsPolicy: TlsPolicy.REQUIRE,
      actions: [
        new S3({ bucket: this.bucket, objectKeyPrefix: receivedMailPrefix }),
        new Lambda({ function: fn, invocationType: LambdaInvocationType.EVENT }),
      ],
    });
  }
}
