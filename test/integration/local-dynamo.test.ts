import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ensureTable, localDynamoClient } from '../../infra/local/create-table.ts';
import { startDynamoLocal } from '../../infra/local/dynamo.ts';
import { projectRoot } from '../../infra/local/paths.ts';
import { conditionTimeoutMs, eventually } from '../support/eventually.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const gone = async (pid: number) =>
  eventually(() => {
    if (alive(pid)) throw new Error(`process ${pid} is still running`);
    return true;
  });

/** Starts test/support/engine-child.ts in its own Node process and returns it with its Java pid. */
const engineInChild = async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/engine-child.ts'], {
    cwd: projectRoot,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const [line] = await createInterface({ input: child.stdout })
    [Symbol.asyncIterator]()
    .next()
    .then((r) => [r.value as string]);
  return { child, javaPid: (JSON.parse(line!) as { pid: number }).pid };
};

// Every case starts a Java engine of its own, which takes seconds on a busy machine.
describe('DynamoDB Local', { timeout: 2 * conditionTimeoutMs }, () => {
  it('leaves no Java process behind after stop()', async () => {
    const engine = await startDynamoLocal();
    expect(alive(engine.pid)).toBe(true);
    await engine.stop();
    expect(alive(engine.pid)).toBe(false);
  });

  it('keeps the table and its items across restarts when given a data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rapport-dynamo-'));
    try {
      const first = await startDynamoLocal({ dataDir });
      await ensureTable(first.endpoint, 'rapport');
      const writer = localDynamoClient(first.endpoint);
      await writer.send(
        new PutItemCommand({ TableName: 'rapport', Item: { PK: { S: 'T#acme#C#1' }, SK: { S: 'C' }, name: { S: '张伟' } } }),
      );
      writer.destroy();
      await first.stop();

      const second = await startDynamoLocal({ dataDir });
      const reader = localDynamoClient(second.endpoint);
      const { Item } = await reader.send(new GetItemCommand({ TableName: 'rapport', Key: { PK: { S: 'T#acme#C#1' }, SK: { S: 'C' } } }));
      reader.destroy();
      await second.stop();
      expect(Item?.name?.S).toBe('张伟');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.each([
    ['SIGTERM', (child: ReturnType<typeof spawn>) => child.kill('SIGTERM')],
    ['SIGINT', (child: ReturnType<typeof spawn>) => child.kill('SIGINT')],
    ['an uncaught exception', (child: ReturnType<typeof spawn>) => child.stdin!.write('throw\n')],
  ])('dies with the process that started it, when that ends by %s', async (_how, end) => {
    const { child, javaPid } = await engineInChild();
    expect(alive(javaPid)).toBe(true);
    const exited = new Promise((r) => child.once('exit', r));
    end(child);
    await exited;
    expect(await gone(javaPid)).toBe(true);
  });
});
