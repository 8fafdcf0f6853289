import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRuntime } from '../../infra/local/runtime.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rapport-runtime-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const javaChildren = () => {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), 'java'], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
};

describe('the runtime npm start runs', () => {
  it('starts its own DynamoDB Local, serves the catalog, and leaves no Java process or open port after stop()', async () => {
    const runtime = await startRuntime({ port: 0, dataDir, inMemory: true });
    expect(javaChildren()).not.toBe('');
    const health = await fetch(`${runtime.url}/health`);
    expect(health.status).toBe(200);

    await runtime.stop();
    expect(javaChildren()).toBe('');
    await expect(fetch(`${runtime.url}/health`)).rejects.toThrow();
  });
});
