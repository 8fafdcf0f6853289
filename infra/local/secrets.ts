import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envNames } from '../../shared/config.ts';

export interface LocalSecrets {
  /** Signs and verifies dev tokens (the local JWT authorizer's key). */
  tokenSecret: string;
  /** SIGNING_SECRET: signs cursors and links. */
  signingSecret: string;
}

const fresh = () => randomBytes(32).toString('base64url');

/** Where the dev secrets live in a data dir. */
export const secretsFile = (dataDir: string): string => join(dataDir, 'secrets.json');

/**
 * The key the runtime on this data dir checks tokens with, without making one:
 * a key made here would be one no running gateway knows.
 */
export const existingTokenSecret = (dataDir: string): string | undefined => {
  if (process.env.RAPPORT_DEV_SECRET) return process.env.RAPPORT_DEV_SECRET;
  const file = secretsFile(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets).tokenSecret : undefined;
};

/**
 * Secrets from RAPPORT_DEV_SECRET and SIGNING_SECRET, else from secrets.json
 * in the data dir, made once (by the runtime) so tokens and cursors survive
 * restarts and `npm run token` signs with the key the running gateway checks.
 */
export const localSecrets = (dataDir: string): LocalSecrets => {
  const fromEnv = { tokenSecret: process.env.RAPPORT_DEV_SECRET, signingSecret: process.env[envNames.SIGNING_SECRET] };
  if (fromEnv.tokenSecret && fromEnv.signingSecret) return fromEnv as LocalSecrets;
  const file = secretsFile(dataDir);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, JSON.stringify({ tokenSecret: fresh(), signingSecret: fresh() }, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  return { tokenSecret: fromEnv.tokenSecret ?? stored.tokenSecret, signingSecret: fromEnv.signingSecret ?? stored.signingSecret };
};
