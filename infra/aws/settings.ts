import type { Node } from 'constructs';
import { toE164 } from '../../shared/domain/normalize.ts';
import { tenantPattern } from '../../shared/http/auth.ts';

/** What `cdk synth -c key=value` (or cdk.json's context) can change. */
export interface StackSettings {
  /** Deployment stage; 'prod' keeps data (RETAIN, deletion protection), anything else is disposable. */
  stage: string;
  /** Use this OIDC issuer for the JWT authorizer instead of creating a Cognito user pool. */
  jwtIssuer?: string;
  /** Audiences (client ids) the authorizer accepts; required with jwtIssuer. */
  jwtAudience?: string[];
  /** Browser origins allowed by CORS; none means no CORS configuration. */
  corsOrigins: string[];
  /**
   * The From of every email (MAIL_FROM), `no-reply@mail.example.com` or `Acme <no-reply@mail.example.com>`.
   * Its domain must be a verified SES identity in the stack's account and region; functions may send
   * from that domain only. Required in prod; without it no function may send email.
   */
  mailFrom?: string;
  /** Our SMS numbers (E.164) → tenant id, for inbound SMS (SMS_TENANT_BY_NUMBER); "*" names the tenant of any other number. */
  smsTenants: Record<string, string>;
  /**
   * The domain SES receives support mail on (its MX points at SES): support+<tenant>@<domain> becomes a ticket
   * of that tenant. Without it no receipt rule set, bucket or inbound email function is built.
   */
  inboundEmailDomain?: string;
  /** Receiving addresses → tenant id (INBOUND_EMAIL_TENANTS), ahead of the +<tenant> form. */
  inboundEmailTenants: Record<string, string>;
}

export const contextKeys = {
  stage: 'stage',
  jwtIssuer: 'jwtIssuer',
  jwtAudience: 'jwtAudience',
  corsOrigins: 'corsOrigins',
  mailFrom: 'mailFrom',
  smsTenants: 'smsTenants',
  inboundEmailDomain: 'inboundEmailDomain',
  inboundEmailTenants: 'inboundEmailTenants',
} as const;

/** `-c key=a,b` arrives as a string, cdk.json may hold an array. */
const list = (value: unknown): string[] => {
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((s) => s.trim()).filter(Boolean);
};

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

const mailbox = /^(?:[^<>]*<(?<inBrackets>[^<>\s]+)>|(?<bare>[^<>\s]+))$/;
const address = /^[^\s@]+@(?<domain>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)$/i;

/** The domain of a From (`a@mail.example.com` or `Name <a@mail.example.com>`): the SES identity that sends it. */
export const mailFromDomain = (mailFrom: string): string => {
  const groups = mailbox.exec(mailFrom.trim())?.groups;
  const domain = address.exec(groups?.inBrackets ?? groups?.bare ?? '')?.groups?.domain;
  if (!domain) throw new Error(`context mailFrom must be an address or "Name <address>": ${mailFrom}`);
  return domain.toLowerCase();
};

/**
 * A context value mapping keys to tenant ids: `-c name='{"key":"acme"}'`
 * arrives as JSON text, cdk.json may hold an object. `keyOf` checks a key and
 * answers the form it is looked up in, or why it is refused.
 */
const tenantMap = (name: string, keys: string, value: unknown, keyOf: (key: string) => string | Error): Record<string, string> => {
  if (value === undefined || value === null || value === '') return {};
  let map: unknown = value;
  if (typeof value === 'string') {
    try {
      map = JSON.parse(value);
    } catch {
      throw new Error(`context ${name} is not JSON: ${value}`);
    }
  }
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new Error(`context ${name} must be a JSON object of ${keys} to tenant ids`);
  const out: Record<string, string> = {};
  for (const [key, tenant] of Object.entries(map)) {
    const lookedUp = keyOf(key);
    if (lookedUp instanceof Error) throw new Error(`context ${name}: ${lookedUp.message}`);
    if (typeof tenant !== 'string' || !tenantPattern.test(tenant))
      throw new Error(`context ${name}: ${key} maps to an invalid tenant id ${String(tenant)}`);
    out[lookedUp] = tenant;
  }
  return out;
};

// Inbound SMS looks numbers up in E.164 form, so a key in any other form would never match.
const smsTenantMap = (value: unknown) =>
  tenantMap('smsTenants', 'numbers', value, (number) =>
    number === '*' || toE164(number) === number
      ? number
      : new Error(`${number} is not a phone number in E.164 form (e.g. +12125550101) or "*"`),
  );

const domainPattern = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/** `-c inboundEmailTenants='{"help@acme.example":"acme"}'`: addresses (looked up lower-cased) to tenant ids. */
const inboundTenantMap = (value: unknown) =>
  tenantMap('inboundEmailTenants', 'addresses', value, (address) =>
    /^[^\s@]+@[^\s@]+$/.test(address) ? address.toLowerCase() : new Error(`${address} is not an email address`),
  );

export const isProd = (settings: Pick<StackSettings, 'stage'>) => settings.stage === 'prod';

export const readSettings = (node: Node): StackSettings => {
  const stage = text(node.tryGetContext(contextKeys.stage)) ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) throw new Error(`context stage must be lower-case letters, digits and dashes: ${stage}`);
  const jwtIssuer = text(node.tryGetContext(contextKeys.jwtIssuer));
  const jwtAudience = list(node.tryGetContext(contextKeys.jwtAudience));
  if (jwtIssuer && !jwtIssuer.startsWith('https://')) throw new Error(`context jwtIssuer must be an https URL: ${jwtIssuer}`);
  if (jwtIssuer && jwtAudience.length === 0) throw new Error('context jwtAudience is required with jwtIssuer');
  if (!jwtIssuer && jwtAudience.length > 0) throw new Error('context jwtAudience needs jwtIssuer');
  const mailFrom = text(node.tryGetContext(contextKeys.mailFrom));
  if (mailFrom) mailFromDomain(mailFrom);
  else if (isProd({ stage })) throw new Error('context mailFrom is required in prod: the From address of every email');
  const inboundEmailDomain = text(node.tryGetContext(contextKeys.inboundEmailDomain))?.toLowerCase();
  if (inboundEmailDomain && !domainPattern.test(inboundEmailDomain))
    throw new Error(`context inboundEmailDomain must be a domain name: ${inboundEmailDomain}`);
  return {
    stage,
    ...(jwtIssuer ? { jwtIssuer, jwtAudience } : {}),
    corsOrigins: list(node.tryGetContext(contextKeys.corsOrigins)),
    ...(mailFrom ? { mailFrom } : {}),
    smsTenants: smsTenantMap(node.tryGetContext(contextKeys.smsTenants)),
    ...(inboundEmailDomain ? { inboundEmailDomain } : {}),
    inboundEmailTenants: inboundTenantMap(node.tryGetContext(contextKeys.inboundEmailTenants)),
  };
};
