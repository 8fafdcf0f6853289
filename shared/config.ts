import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';

/**
 * Every environment variable the product reads, named once. The CDK stack and
 * the embedded runtime set them by these constants, so a rename cannot leave
 * one side reading a name the other no longer sets.
 */
export const envNames = {
  /** The single table (shared/db/table.ts). */
  TABLE_NAME: 'TABLE_NAME',
  /** Points the document client at DynamoDB Local; unset on AWS. */
  DYNAMODB_ENDPOINT: 'DYNAMODB_ENDPOINT',
  /** Lambda sets it; the embedded runtime defaults it. */
  AWS_REGION: 'AWS_REGION',
  /** The bus the outbox relay publishes to. */
  EVENT_BUS_NAME: 'EVENT_BUS_NAME',
  /** The HMAC key for cursors and links, locally… */
  SIGNING_SECRET: 'SIGNING_SECRET',
  /** …or, on AWS, the ARN of the secret holding it, read on first use. */
  SIGNING_SECRET_ARN: 'SIGNING_SECRET_ARN',
  /** Where people reach the API from outside (links in emails). */
  PUBLIC_BASE_URL: 'PUBLIC_BASE_URL',
  /** The From of every email, unless a tenant's settings name one on the same domain. */
  MAIL_FROM: 'MAIL_FROM',
  /** The SES configuration set whose events come back as feedback. */
  SES_CONFIGURATION_SET: 'SES_CONFIGURATION_SET',
  /** JSON object: our SMS number (E.164) → tenant id; "*" names the tenant of any other number. */
  SMS_TENANT_BY_NUMBER: 'SMS_TENANT_BY_NUMBER',
  /** The domain SES receives support mail on: support+<tenant>@<domain> reaches the tenant's tickets. */
  INBOUND_EMAIL_DOMAIN: 'INBOUND_EMAIL_DOMAIN',
  /** JSON object: a receiving address → tenant id, ahead of the +<tenant> form. */
  INBOUND_EMAIL_TENANTS: 'INBOUND_EMAIL_TENANTS',
  /** The bucket SES stores received mail in (under inbound/<SES message id>). */
  INBOUND_EMAIL_BUCKET: 'INBOUND_EMAIL_BUCKET',
  /** EventBridge Scheduler: the schedule group jobs go in. */
  SCHEDULER_GROUP: 'SCHEDULER_GROUP',
  /** The role EventBridge Scheduler assumes to invoke a target. */
  SCHEDULER_ROLE_ARN: 'SCHEDULER_ROLE_ARN',
  /** Where jobs that cannot be delivered go. */
  SCHEDULER_DLQ_ARN: 'SCHEDULER_DLQ_ARN',
  /** JSON object: context → ARN of the function that runs its scheduled.ts. */
  SCHEDULER_TARGETS: 'SCHEDULER_TARGETS',
  /** Powertools: the service logs name (one per context on AWS). */
  POWERTOOLS_SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
  /** Powertools: the lowest level logged. */
  POWERTOOLS_LOG_LEVEL: 'POWERTOOLS_LOG_LEVEL',
} as const;

export type EnvName = (typeof envNames)[keyof typeof envNames];

/** SCHEDULER_TARGET_ARN_<CONTEXT> (e.g. _JOURNEYS): one context's scheduled target, ahead of SCHEDULER_TARGETS. */
export const schedulerTargetArnName = (context: string): string =>
  `SCHEDULER_TARGET_ARN_${context.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/** A misconfigured variable: the message names it and says what it must be. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Unset and empty are the same: CDK and shells both produce empty strings for "nothing". */
const optional = z
  .string()
  .optional()
  .transform((v) => v || undefined);

const withDefault = (fallback: string) => optional.transform((v) => v ?? fallback);

/** A JSON object of strings; unset is the empty map. */
const jsonMap = optional.transform((raw, ctx): Record<string, string> => {
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `is not JSON (${(error as Error).message})` });
    return z.NEVER;
  }
  const map = z.record(z.string(), z.string()).safeParse(value);
  if (!map.success) {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON object of strings' });
    return z.NEVER;
  }
  return map.data;
});

const url = withDefault('http://localhost:3000').pipe(
  z
    .string()
    .url({ error: 'must be an absolute URL' })
    .transform((v) => v.replace(/\/$/, '')),
);

/** How each variable is parsed (unset included). */
const schemas = {
  TABLE_NAME: withDefault('rapport'),
  DYNAMODB_ENDPOINT: optional,
  AWS_REGION: optional,
  EVENT_BUS_NAME: withDefault('rapport'),
  SIGNING_SECRET: optional,
  SIGNING_SECRET_ARN: optional,
  PUBLIC_BASE_URL: url,
  MAIL_FROM: optional,
  SES_CONFIGURATION_SET: optional,
  SMS_TENANT_BY_NUMBER: jsonMap,
  INBOUND_EMAIL_DOMAIN: optional,
  INBOUND_EMAIL_TENANTS: jsonMap,
  INBOUND_EMAIL_BUCKET: optional,
  SCHEDULER_GROUP: optional,
  SCHEDULER_ROLE_ARN: optional,
  SCHEDULER_DLQ_ARN: optional,
  SCHEDULER_TARGETS: jsonMap,
  POWERTOOLS_SERVICE_NAME: withDefault('rapport'),
  POWERTOOLS_LOG_LEVEL: optional,
} satisfies Record<EnvName, z.ZodType<unknown, string | undefined>>;

type Schemas = typeof schemas;
export type Config = { readonly [K in EnvName]: z.output<Schemas[K]> };

const parse = <K extends EnvName>(name: K, raw: string | undefined): z.output<Schemas[K]> => {
  const schema: z.ZodType<unknown, string | undefined> = schemas[name];
  const out = schema.safeParse(raw);
  if (out.success) return out.data as z.output<Schemas[K]>;
  throw new ConfigError(`${name} ${out.error.issues.map((i) => i.message).join('; ')}: ${JSON.stringify(raw)}`);
};

/**
 * Each value is read when first used, not at import: tests and the embedded
 * runtime set the environment before the first request. A value is parsed once
 * and parsed again only if the variable changes, so a misconfigured one fails
 * where it is used, naming the variable.
 */
const parsed = new Map<EnvName, { raw: string | undefined; value: unknown }>();
const read = <K extends EnvName>(name: K): z.output<Schemas[K]> => {
  const raw = process.env[name];
  const hit = parsed.get(name);
  if (hit && hit.raw === raw) return hit.value as z.output<Schemas[K]>;
  const value = parse(name, raw);
  parsed.set(name, { raw, value });
  return value;
};

/** The product's configuration, typed; `config.TABLE_NAME` reads and parses TABLE_NAME on use. */
export const config: Config = Object.defineProperties(
  {},
  Object.fromEntries(Object.values(envNames).map((name) => [name, { enumerable: true, get: () => read(name) }])),
) as Config;

/** A variable a feature cannot run without: its value, or an error naming it. */
export const requiredConfig = <K extends EnvName>(name: K): NonNullable<Config[K]> => {
  const value = config[name];
  if (value === undefined) throw new ConfigError(`${name} must be set`);
  return value as NonNullable<Config[K]>;
};

/** The scheduled-job target of a context: SCHEDULER_TARGET_ARN_<CONTEXT>, else its entry in SCHEDULER_TARGETS. */
export const schedulerTargetArn = (context: string): string => {
  const arn = process.env[schedulerTargetArnName(context)] || config.SCHEDULER_TARGETS[context];
  if (!arn)
    throw new ConfigError(
      `no scheduler target ARN for context ${context}: set ${envNames.SCHEDULER_TARGETS} or ${schedulerTargetArnName(context)}`,
    );
  return arn;
};

let signingSecret: Promise<string> | undefined;

/**
 * Key for HMAC-signed cursors and links. Locally it comes from the environment;
 * on AWS the function holds only the secret's ARN and reads it once, on first use,
 * so routes that never sign anything pay nothing at cold start.
 */
export const getSigningSecret = (): Promise<string> => {
  signingSecret ??= (async () => {
    const local = config.SIGNING_SECRET;
    if (local) return local;
    const arn = config.SIGNING_SECRET_ARN;
    if (!arn) throw new ConfigError(`${envNames.SIGNING_SECRET} or ${envNames.SIGNING_SECRET_ARN} must be set`);
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new Error('signing secret is empty');
    return out.SecretString;
  })();
  return signingSecret;
};

/** Largest request body accepted, in bytes. */
export const maxBodyBytes = 64 * 1024;

/** Where people reach the API from outside (links in emails); the stack or the embedded runtime sets it. */
export const publicBaseUrl = (): string => config.PUBLIC_BASE_URL;
