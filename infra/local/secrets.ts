import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalSecrets {
  /** Signs and verifies dev tokens (the local JWT authorizer's key). */
  tokenSecret: string;
  /** SIGNING_SECRET: signs cursors and links. */
  signingSecret: string;
}

const fresh = () => randomBytes(32).toString('base64url');

/**
 * Secrets from RAPPORT_DEV_SECRET and SIGNING_SECRET, else from secrets.json
 * in the data dir, made once so tokens and cursors survive restarts and
 * `npm run token` signs with the key the running gateway checks.
 */
export const localSecrets = (dataDir: string): LocalSecrets => {
  const fromEnv = { tokenSecret: process.env.RAPPORT_DEV_SECRET, signingSecret: process.env.SIGNING_SECRET };
  if (fromEnv.tokenSecret && fromEnv.signingSecret) return fromEnv as LocalSecrets;
  const file = join(dataDir, 'secrets.json');
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, JSON.stringify({ tokenSecret: fresh(), signingSecret: fresh() }, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  return { tokenSecret: fromEnv.tokenSecret ?? stored.tokenSecret, signingSecret: fromEnv.signingSecret ?? stored.signingSecret };
};
