import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../infra/aws/settings.ts';
import { RapportStack } from '../../infra/stack.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

const synth = (context: Record<string, unknown> = {}) => {
  const app = new App({
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
  });
  const stack = new RapportStack(app, 'Mail');
  const json = Template.fromStack(stack).toJSON() as {
    Resources: Record<string, Resource>;
    Outputs: Record<string, { Description?: string }>;
  };
  const ofType = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);
  return { app, json, ofType };
};

const tenants = { 'help@acme.example': 'acme' };
const receiving = synth({ inboundEmailDomain: 'Support.Example.com', inboundEmailTenants: JSON.stringify(tenants) });

describe('inbound email', () => {
  it('is built only with a receiving domain', () => {
    const plain = synth();
    expect(plain.ofType('AWS::SES::ReceiptRuleSet')).toHaveLength(0);
    expect(plain.ofType('AWS::S3::Bucket')).toHaveLength(0);
  });

  it('stores mail in a private, TLS-only, encrypted bucket that expires it after 30 days', () => {
    const [[bucketId, bucket]] = receiving.ofType('AWS::S3::Bucket') as [[string, Resource]];
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe(
      'AES256',
    );
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ ExpirationInDays: 30, Status: 'Enabled' }),
    );
    const [[, policy]] = receiving.ofType('AWS::S3::BucketPolicy').filter(([, p]) => p.Properties.Bucket.Ref === bucketId) as [
      [string, Resource],
    ];
    const statements = policy.Properties.PolicyDocument.Statement as {
      Effect: string;
      Condition?: any;
      Principal?: any;
      Action: unknown;
    }[];
    expect(statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
    const sesWrite = statements.find((s) => s.Principal?.Service === 'ses.amazonaws.com')!;
    expect(sesWrite.Action).toBe('s3:PutObject');
    expect(sesWrite.Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('has one rule for the domain and mapped addresses: store, then invoke the intake function, spam-scanned, TLS required', () => {
    expect(receiving.ofType('AWS::SES::ReceiptRuleSet')).toHaveLength(1);
    const [[, rule]] = receiving.ofType('AWS::SES::ReceiptRule') as [[string, Resource]];
    const { Recipients, Actions, ScanEnabled, TlsPolicy, Enabled } = rule.Properties.Rule;
    expect(Recipients).toEqual(['support.example.com', 'help@acme.example']);
    expect({ ScanEnabled, TlsPolicy, Enabled }).toEqual({ ScanEnabled: true, TlsPolicy: 'Require', Enabled: true });
    expect(Actions[0].S3Action.ObjectKeyPrefix).toBe('inbound/');
    expect(Actions[1].LambdaAction.InvocationType).toBe('Event');
    const fnId = Actions[1].LambdaAction.FunctionArn['Fn::GetAtt'][0] as string;
    const fn = receiving.json.Resources[fnId]!;
    expect(fn.Properties.Environment.Variables).toMatchObject({
      INBOUND_EMAIL_DOMAIN: 'support.example.com',
      INBOUND_EMAIL_TENANTS: JSON.stringify(tenants),
    });
    const role = fn.Properties.Role['Fn::GetAtt'][0] as string;
    const [[, read]] = receiving
      .ofType('AWS::IAM::ManagedPolicy')
      .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role)) as [[string, Resource]];
    expect(read.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.any(String), 'Arn'] }, '/inbound/*']] },
      }),
    ]);
    const permission = receiving.ofType('AWS::Lambda::Permission').find(([, p]) => p.Properties.Principal === 'ses.amazonaws.com')!;
    expect(permission[1].Properties.SourceAccount).toEqual({ Ref: 'AWS::AccountId' });
    expect(receiving.json.Outputs.InboundEmailRuleSet?.Description).toMatch(/set-active-receipt-rule-set/);
  });

  it('reports no unacknowledged cdk-nag error', () => {
    const report = new AwsSolutionsChecks().validateScope(receiving.app);
    const errors = report.violations
      .filter((v) => v.severity === 'error')
      .map((v) => `${v.ruleName}: ${v.description} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });

  it('checks the receiving settings', () => {
    const settingsFrom = (context: Record<string, unknown>) => readSettings(new App({ context }).node);
    expect(settingsFrom({ inboundEmailTenants: tenants }).inboundEmailTenants).toEqual(tenants);
    expect(() => settingsFrom({ inboundEmailDomain: 'not a domain' })).toThrow(/inboundEmailDomain/);
    expect(() => settingsFrom({ inboundEmailTenants: { 'not-an-address': 'acme' } })).toThrow(/email address/);
    expect(() => settingsFrom({ inboundEmailTenants: { 'a@b.example': 'Bad Tenant' } })).toThrow(/tenant/);
  });
});
