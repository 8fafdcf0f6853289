import { publicBaseUrl } from '../../shared/config.ts';
import { signLink, verify, verifyLink } from '../../shared/crypto/signed.ts';

const scope = 'quote';

/** The public page of one version of a quote, signed so it names its tenant, quote and version and stops working at `expiresAt`. */
export const quoteUrl = async (tenantId: string, quoteId: string, number: number, expiresAt: Date) =>
  `${publicBaseUrl()}/q/${await signLink({ t: tenantId, q: quoteId, n: number }, scope, expiresAt)}`;

export type QuoteLink =
  | { status: 'valid'; tenantId: string; quoteId: string; number: number }
  | { status: 'expired' }
  | { status: 'invalid' };

/** Reads a quote link token; an expired link is told apart from a tampered or truncated one. */
export const readQuoteLink = async (token: string, now: Date): Promise<QuoteLink> => {
  const valid = await verifyLink<{ t?: unknown; q?: unknown; n?: unknown }>(token, scope, now);
  if (valid && typeof valid.t === 'string' && typeof valid.q === 'string' && typeof valid.n === 'number')
    return { status: 'valid', tenantId: valid.t, quoteId: valid.q, number: valid.n };
  if (!valid && (await verify(token, scope))) return { status: 'expired' };
  return { status: 'invalid' };
};
