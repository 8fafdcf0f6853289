import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/local/paths.ts';
import { verifyDevToken } from '../../infra/local/token.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rapport-token-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const { RAPPORT_DEV_SECRET: _token, SIGNING_SECRET: _signing, ...env } = process.env;
const tokenCli = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/local/token-cli.ts', ...args], { cwd: projectRoot, env: { ...env, RAPPORT_DATA_DIR: dataDir } });

describe('npm run token', () => {
  it('prints, as its last line, a token signed with the data folder key, the same key on every run', async () => {
    const first = (await tokenCli('--tenant', 'acme', '--role', 'sales', '--role', 'admin', '--sub', 'user-1')).stdout.trim().split('\n').at(-1)!;
    const second = (await tokenCli('--tenant', 'acme', '--role', 'support')).stdout.trim().split('\n').at(-1)!;
    const { tokenSecret } = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { tokenSecret: string };
    expect(await verifyDevToken(tokenSecret, first)).toMatchObject({ 'custom:tenant': 'acme', 'cognito:groups': ['sales', 'admin'], sub: 'user-1' });
    expect(await verifyDevToken(tokenSecret, second)).toMatchObject({ 'cognito:groups': ['support'] });
  });

  it('refuses an unknown role or a missing tenant', async () => {
    await expect(tokenCli('--tenant', 'acme', '--role', 'root')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown role root') });
    await expect(tokenCli('--role', 'sales')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--tenant is required') });
  });
});
