import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed ingest request. */
export const signatureHeaders = {
  integration: 'x-rapport-integration',
  timestamp: 'x-rapport-timestamp',
  signature: 'x-rapport-signature',
} as const;

/** How far a request's timestamp may be from our clock, either way: a captured request cannot be replayed later. */
export const maxSkewSeconds = 300;

/**
 * An integration's signing secret: derived from the service's signing key, the
 * integration's id and a random salt of its own, so the table holds no secret
 * and deleting the integration (its salt) revokes it.
 */
export const integrationSecret = (signingKey: string, integrationId: string, salt: string): string =>
  `whsec_${createHmac('sha256', signingKey).update(`ticket-integration\n${integrationId}\n${salt}`).digest('base64url')}`;

/** The signature of a request: hex HMAC-SHA256 with the integration's secret over `<timestamp>.<raw body>`. */
export const signatureOf = (secret: string, timestamp: string, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/** The X-Rapport-Signature header of a request: `sha256=<hex>`. */
export const signatureHeader = (secret: string, timestamp: string, body: string) => `sha256=${signatureOf(secret, timestamp, body)}`;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a request's signature: the timestamp (Unix seconds) within
 * `maxSkewSeconds` of `now`, the signature compared in constant time.
 */
export const verifySignature = (input: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  now: Date;
}): SignatureCheck => {
  const { secret, timestamp, signature, body, now } = input;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `send ${signatureHeaders.timestamp}: Unix seconds` };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > maxSkewSeconds)
    return { ok: false, reason: `the timestamp is more than ${maxSkewSeconds} seconds from the server's clock` };
  const given = /^(?:sha256=)?([0-9a-f]{64})$/i.exec(signature?.trim() ?? '')?.[1]?.toLowerCase();
  if (!given) return { ok: false, reason: `send ${signatureHeaders.signature}: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` };
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return { ok: false, reason: 'the signature does not match' };
  return { ok: true };
};
