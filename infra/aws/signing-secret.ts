import { Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { removalPolicyFor } from './removal.ts';
import type { StackSettings } from './settings.ts';

/** The HMAC key for opaque list cursors and signed links (shared/config.ts reads it by ARN). */
export class SigningSecret extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, settings: Pick<StackSettings, 'stage'>) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'Rapport HMAC key for list cursors and signed links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: removalPolicyFor(settings),
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'An HMAC signing key, not a credential of another service: rotating it invalidates every outstanding cursor and signed link, so it is rotated deliberately (new secret version, then redeploy), not on a timer.',
    });
  }
}
