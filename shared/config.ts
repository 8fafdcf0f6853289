import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

let signingSecret: Promise<string> | undefined;

/**
 * Key for HMAC-signed cursors and links. Locally it comes from the environment;
 * on AWS the function holds only the secret's ARN and reads it once, on first use,
 * so routes that never sign anything pay nothing at cold start.
 */
export const getSigningSecret = (): Promise<string> => {
  signingSecret ??= (async () => {
    if (process.env.SIGNING_SECRET) return process.env.SIGNING_SECRET;
    const arn = process.env.SIGNING_SECRET_ARN;
    if (!arn) throw new Error('SIGNING_SECRET or SIGNING_SECRET_ARN must be set');
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new Error('signing secret is empty');
    return out.SecretString;
  })();
  return signingSecret;
};

/** Largest request body accepted, in bytes. */
export const maxBodyBytes = 64 * 1024;

/** Where people reach the API from outside (links in emails); the stack or the embedded runtime sets it. */
export const publicBaseUrl = (): string => (process.env.PUBLIC_BASE_URL ?? 'http://localhost:3000').replace(/\/$/, '');
