import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { groupsClaim, tenantClaim } from '../../shared/http/auth.ts';

/** What the local JWT authorizer accepts, like the issuer and audience of the API's authorizer on AWS. */
export const tokenIssuer = 'rapport-local';
export const tokenAudience = 'rapport';

export interface DevTokenClaims {
  tenant: string;
  roles: string[];
  sub?: string;
  /** Lifetime in seconds; one hour by default. */
  ttl?: number;
}

const key = (secret: string) => new TextEncoder().encode(secret);

/** A dev token shaped like a Cognito ID token: tenant in custom:tenant, roles in cognito:groups. */
export const signDevToken = (secret: string, { tenant, roles, sub = 'dev-user', ttl = 3600 }: DevTokenClaims): Promise<string> =>
  new SignJWT({ [tenantClaim]: tenant, [groupsClaim]: roles, token_use: 'id' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(tokenIssuer)
    .setAudience(tokenAudience)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(key(secret));

/** Verifies as the JWT authorizer does: signature, issuer, audience, expiry. Throws when any fails. */
export const verifyDevToken = async (secret: string, token: string): Promise<JWTPayload> =>
  (await jwtVerify(token, key(secret), { issuer: tokenIssuer, audience: tokenAudience, algorithms: ['HS256'] })).payload;
