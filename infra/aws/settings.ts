import type { Node } from 'constructs';

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
}

export const contextKeys = {
  stage: 'stage',
  jwtIssuer: 'jwtIssuer',
  jwtAudience: 'jwtAudience',
  corsOrigins: 'corsOrigins',
} as const;

/** `-c key=a,b` arrives as a string, cdk.json may hold an array. */
const list = (value: unknown): string[] => {
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((s) => s.trim()).filter(Boolean);
};

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

export const isProd = (settings: Pick<StackSettings, 'stage'>) => settings.stage === 'prod';

export const readSettings = (node: Node): StackSettings => {
  const stage = text(node.tryGetContext(contextKeys.stage)) ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) throw new Error(`context stage must be lower-case letters, digits and dashes: ${stage}`);
  const jwtIssuer = text(node.tryGetContext(contextKeys.jwtIssuer));
  const jwtAudience = list(node.tryGetContext(contextKeys.jwtAudience));
  if (jwtIssuer && !jwtIssuer.startsWith('https://')) throw new Error(`context jwtIssuer must be an https URL: ${jwtIssuer}`);
  if (jwtIssuer && jwtAudience.length === 0) throw new Error('context jwtAudience is required with jwtIssuer');
  if (!jwtIssuer && jwtAudience.length > 0) throw new Error('context jwtAudience needs jwtIssuer');
  return {
    stage,
    ...(jwtIssuer ? { jwtIssuer, jwtAudience } : {}),
    corsOrigins: list(node.tryGetContext(contextKeys.corsOrigins)),
  };
};
