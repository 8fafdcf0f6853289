import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { Problem } from './problem.ts';
import { type Role, roles } from './route.ts';

/** Who is calling, from the verified token only; no request field can override it. */
export interface Caller {
  tenantId: string;
  userId: string;
  roles: Role[];
}

export const tenantClaim = 'custom:tenant';
export const groupsClaim = 'cognito:groups';
export const tenantPattern = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** API Gateway renders array claims as "[a b]"; tokens may also carry a JSON array or a comma list. */
const parseGroups = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      return trimmed
        .slice(1, -1)
        .split(/[\s,]+/)
        .filter(Boolean);
    }
  }
  return trimmed.split(/[\s,]+/).filter(Boolean);
};

export const callerFrom = (event: APIGatewayProxyEventV2WithJWTAuthorizer): Caller => {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const tenantId = claims[tenantClaim];
  if (typeof tenantId !== 'string' || !tenantPattern.test(tenantId)) {
    throw new Problem(403, 'Forbidden', 'the token carries no valid tenant');
  }
  const callerRoles = parseGroups(claims[groupsClaim]).filter((g): g is Role => (roles as readonly string[]).includes(g));
  return { tenantId, userId: String(claims.sub ?? 'unknown'), roles: callerRoles };
};

export const authorize = (caller: Caller, allowed: readonly Role[]) => {
  if (!caller.roles.some((r) => allowed.includes(r))) {
    throw new Problem(403, 'Forbidden', `this route needs one of the roles: ${allowed.join(', ')}`);
  }
};
