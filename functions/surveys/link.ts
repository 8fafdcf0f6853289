import { publicBaseUrl } from '../../shared/config.ts';
import { signLink, verify, verifyLink } from '../../shared/crypto/signed.ts';

const scope = 'survey';

/** The public page of one survey send, signed so it names its tenant and send and stops working at `expiresAt`. */
export const surveyUrl = async (tenantId: string, sendId: string, expiresAt: Date) =>
  `${publicBaseUrl()}/s/${await signLink({ t: tenantId, s: sendId }, scope, expiresAt)}`;

export type SurveyLink = { status: 'valid'; tenantId: string; sendId: string } | { status: 'expired' } | { status: 'invalid' };

/** Reads a survey link token; an expired link is told apart from a tampered or truncated one, since people see the difference. */
export const readSurveyLink = async (token: string, now: Date): Promise<SurveyLink> => {
  const valid = await verifyLink<{ t?: unknown; s?: unknown }>(token, scope, now);
  if (valid && typeof valid.t === 'string' && typeof valid.s === 'string') return { status: 'valid', tenantId: valid.t, sendId: valid.s };
  if (!valid && (await verify(token, scope))) return { status: 'expired' };
  return { status: 'invalid' };
};
