import { Duration, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { tenantClaim } from '../../shared/http/auth.ts';
import { roles } from '../../shared/http/route.ts';
import { removalPolicyFor } from './removal.ts';
import { isProd, type StackSettings } from './settings.ts';

/** 'custom:tenant' → 'tenant': the attribute behind the claim shared/http/auth.ts reads. */
const tenantAttribute = tenantClaim.replace(/^custom:/, '');

/**
 * The Cognito user pool that issues Rapport's tokens: each user belongs to one
 * tenant (an immutable custom attribute, set by an admin at creation) and to
 * groups named after the roles, which Cognito puts in the `cognito:groups` claim.
 * Clients call the API with the ID token, which carries both claims.
 */
export class UserDirectory extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** The JWT authorizer's issuer and audience. */
  readonly issuer: string;
  readonly audience: string[];

  constructor(scope: Construct, id: string, settings: Pick<StackSettings, 'stage'>) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Pool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      customAttributes: { [tenantAttribute]: new StringAttribute({ minLen: 2, maxLen: 63, mutable: false }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: isProd(settings) ? StandardThreatProtectionMode.FULL_FUNCTION : StandardThreatProtectionMode.AUDIT_ONLY,
      deletionProtection: isProd(settings),
      removalPolicy: removalPolicyFor(settings),
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional per user (TOTP offered) so each tenant decides when to require it; Plus-tier threat protection blocks risky sign-ins in prod meanwhile.',
    });
    roles.forEach((role, precedence) => {
      this.userPool.addGroup(`Group-${role}`, { groupName: role, precedence, description: `Rapport role ${role}` });
    });

    // Users read their own tenant but can never write it, not even at sign-up (self sign-up is off anyway).
    const standard = { email: true, emailVerified: true, fullname: true, locale: true, timezone: true };
    this.client = this.userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      readAttributes: new ClientAttributes().withStandardAttributes(standard).withCustomAttributes(tenantAttribute),
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true, locale: true, timezone: true }),
    });
    this.issuer = this.userPool.userPoolProviderUrl;
    this.audience = [this.client.userPoolClientId];
  }
}
