import { join } from 'node:path';
import { handler as relay } from '../../functions/relay/handler.ts';
import { routes } from '../../functions/routes.ts';
import { recurringJobs as recurringCatalog } from '../../functions/schedules.ts';
import { subscriptions } from '../../functions/subscriptions.ts';
import { envNames } from '../../shared/config.ts';
import { tableNameFromEnv } from '../../shared/db/table.ts';
import { useBus } from '../../shared/ports/bus.ts';
import { type Clock, systemClock, useClock } from '../../shared/ports/clock.ts';
import { useMessages } from '../../shared/ports/messages.ts';
import { useScheduler } from '../../shared/ports/scheduler.ts';
import { createLocalBus, type LocalBus } from './bus.ts';
import { ensureTable } from './create-table.ts';
import { startDynamoLocal } from './dynamo.ts';
import { invoke } from './functions.ts';
import { startGateway } from './gateway.ts';
import { inboundEmailRoute } from './inbound-email.ts';
import { createLocalOutbox, type LocalOutbox } from './outbox.ts';
import { defaultDataDir } from './paths.ts';
import { recurringJobs } from './recurring.ts';
import { createLocalScheduler, type LocalScheduler } from './scheduler.ts';
import { localSecrets, secretsFile } from './secrets.ts';
import { fileCheckpoint } from './stream-checkpoint.ts';
import { type StreamPoller, startStreamPoller } from './stream-poller.ts';
import { signDevToken } from './token.ts';

export interface RuntimeOptions {
  /** HTTP port; 0 picks a free one. */
  port?: number;
  /** Where the table, secrets, pending schedules and sent messages live; RAPPORT_DATA_DIR or .rapport/ by default. */
  dataDir?: string;
  /** Keep table, schedules and sent messages in memory only (secrets stay in dataDir so `npm run token` matches). */
  inMemory?: boolean;
  /** Use a DynamoDB Local that is already running instead of starting one. */
  dynamoEndpoint?: string;
  /** Table to use (created if missing); TABLE_NAME or 'rapport' by default. */
  tableName?: string;
  /** Time for the handlers and the scheduler; a ManualClock lets tests move it. */
  clock?: Clock;
  /** Origin of the links in emails (unsubscribe, surveys); the gateway's own URL by default. */
  publicBaseUrl?: string;
}

export interface Runtime {
  url: string;
  /** Where the links in emails point. */
  publicBaseUrl: string;
  /** A dev token the gateway accepts, like `npm run token` prints. */
  token(tenant: string, roles: string[], sub?: string): Promise<string>;
  bus: LocalBus;
  scheduler: LocalScheduler;
  clock: Clock;
  outbox: LocalOutbox;
  /** Resolves once every write so far is relayed and every event delivery it caused has finished. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Waits at most this long at shutdown for the last events to be relayed. */
const settleOnStopMs = 5000;

const report = (what: string, error: unknown) => console.error(`[rapport] ${what}`, error);

/**
 * The whole backend on one machine: DynamoDB Local, the stream relay, the
 * local bus, scheduler and message outbox, and the HTTP gateway in front of
 * the same handlers Lambda runs.
 */
export const startRuntime = async (options: RuntimeOptions = {}): Promise<Runtime> => {
  const dataDir = options.dataDir ?? defaultDataDir();
  const persisted = (file: string) => (options.inMemory ? undefined : join(dataDir, file));
  const secrets = localSecrets(dataDir);
  const engine = options.dynamoEndpoint ? undefined : await startDynamoLocal({ dataDir: persisted('dynamodb') });
  const endpoint = options.dynamoEndpoint ?? engine!.endpoint;
  const tableName = options.tableName ?? tableNameFromEnv();

  // Handlers read these on first use, so they must be set before any request.
  process.env[envNames.TABLE_NAME] = tableName;
  process.env[envNames.DYNAMODB_ENDPOINT] = endpoint;
  process.env[envNames.SIGNING_SECRET] = secrets.signingSecret;
  process.env[envNames.AWS_REGION] ??= 'us-east-1';

  // Undone in reverse order by stop(), or when start-up fails half-way.
  const undo: (() => unknown)[] = [];
  const stop = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  if (engine) undo.push(() => engine.stop());

  try {
    await ensureTable(endpoint, tableName);
    const clock = options.clock ?? systemClock;
    useClock(clock);
    const outbox = createLocalOutbox(persisted('outbox.jsonl'));
    useMessages(outbox);

    let poller: StreamPoller | undefined;
    const bus = createLocalBus({
      subscriptions,
      invoke,
      drainUpstream: () => poller?.drain() ?? Promise.resolve(0),
      onError: (error, { subscription, event }) =>
        report(`${event['detail-type']} ${event.id} went to the dead letters of ${subscription}`, error),
    });
    useBus(bus);
    poller = await startStreamPoller({
      endpoint,
      tableName,
      handler: relay,
      checkpoint: options.inMemory ? undefined : fileCheckpoint(join(dataDir, 'stream-checkpoint.json')),
      onError: (error, skipped) =>
        report(`stream relay failed${skipped.length ? `; ${skipped.length} stream records skipped` : ''}`, error),
    });
    undo.push(() => poller.stop());
    undo.push(() => Promise.race([bus.settle(), new Promise((r) => setTimeout(r, settleOnStopMs).unref())]));

    const recurring = recurringJobs(recurringCatalog, () => scheduler, clock, invoke);
    const scheduler = createLocalScheduler({
      clock,
      invoke: recurring.invokeScheduled,
      onError: (error, { job }) => report(`job ${job.name} for ${job.target} went to the dead letters`, error),
      file: persisted('schedules.json'),
    });
    useScheduler(scheduler);
    undo.push(() => scheduler.stop());
    await recurring.start();

    const devRoutes = {
      'POST /dev/inbound-email': inboundEmailRoute(invoke),
      'GET /dev/outbox': () => ({
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: outbox.messages().toReversed() }),
      }),
    };
    const gateway = await startGateway({
      routes,
      tokenSecret: secrets.tokenSecret,
      tokenSecretSource: process.env.RAPPORT_DEV_SECRET ? 'RAPPORT_DEV_SECRET' : secretsFile(dataDir),
      invoke,
      port: options.port ?? 0,
      onError: (error) => report('request failed', error),
      devRoutes,
    });
    undo.push(() => gateway.close());
    // Handlers build the links in emails (unsubscribe, surveys) from it.
    const publicBaseUrl = (options.publicBaseUrl ?? gateway.url).replace(/\/$/, '');
    process.env[envNames.PUBLIC_BASE_URL] = publicBaseUrl;

    return {
      url: gateway.url,
      publicBaseUrl,
      token: (tenant, roles, sub) => signDevToken(secrets.tokenSecret, { tenant, roles, sub }),
      bus,
      scheduler,
      clock,
      outbox,
      settle: () => bus.settle(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};
