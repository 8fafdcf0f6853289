import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { projectRoot } from '../../infra/local/paths.ts';
import { localSecrets } from '../../infra/local/secrets.ts';
import { verifyDevToken } from '../../infra/local/token.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rapport-token-'));
const emptyDir = mkdtempSync(join(tmpdir(), 'rapport-token-empty-'));
afterAll(() => {
  for (const dir of [dataDir, emptyDir]) rmSync(dir, { recursive: true, force: true });
});

const { RAPPORT_DEV_SECRET: _token, SIGNING_SECRET: _signing, ...env } = process.env;
const tokenCliIn = (dir: string, ...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/local/token-cli.ts', ...args], {
    cwd: projectRoot,
    env: { ...env, RAPPORT_DATA_DIR: dir },
  });
const tokenCli = (...args: string[]) => tokenCliIn(dataDir, ...args);

describe('npm run token', () => {
  it('prints, as its last line, a token signed with the key the runtime made in the data folder, the same key on every run', async () => {
    vi.stubEnv('RAPPORT_DEV_SECRET', undefined);
    vi.stubEnv('SIGNING_SECRET', undefined);
    const { tokenSecret } = localSecrets(dataDir); // what the runtime does at start
    vi.unstubAllEnvs();
    const first = (await tokenCli('--tenant', 'acme', '--role', 'sales', '--role', 'admin', '--sub', 'user-1')).stdout
      .trim()
      .split('\n')
      .at(-1)!;
    const second = (await tokenCli('--tenant', 'acme', '--role', 'support')).stdout.trim().split('\n').at(-1)!;
    expect(await verifyDevToken(tokenSecret, first)).toMatchObject({
      'custom:tenant': 'acme',
      'cognito:groups': ['sales', 'admin'],
      sub: 'user-1',
    });
    expect(await verifyDevToken(tokenSecret, second)).toMatchObject({ 'cognito:groups': ['support'] });
  });

  it('makes no key of its own where no runtime keeps one, and names the folder it looked in', async () => {
    await expect(tokenCliIn(emptyDir, '--tenant', 'acme', '--role', 'sales')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`no dev key in ${join(emptyDir, 'secrets.json')}`),
    });
    expect(existsSync(join(emptyDir, 'secrets.json'))).toBe(false);
  });

  it('refuses an unknown role or a missing tenant', async () => {
    await expect(tokenCli('--tenant', 'acme', '--role', 'root')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown role root'),
    });
    await expect(tokenCli('--role', 'sales')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--tenant is required') });
  });
});
