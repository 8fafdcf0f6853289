import { startRuntime } from './runtime.ts';
import { defaultDataDir } from './paths.ts';

const inMemory = process.argv.includes('--in-memory');
const port = Number(process.env.PORT ?? 3000);
const dataDir = defaultDataDir();

const runtime = await startRuntime({ port, dataDir, inMemory });

console.log(`
Rapport is running at ${runtime.url}

  Health:       curl ${runtime.url}/health
  Get a token:  npm run token -- --tenant acme --role sales
  Call the API: curl -H "Authorization: Bearer <token>" ${runtime.url}/contacts
  Data:         ${inMemory ? `in memory (gone when this stops); dev secrets in ${dataDir}` : `${dataDir} (DynamoDB Local files, dev secrets, pending schedules, sent messages in outbox.jsonl)`}

Stop with Ctrl-C.
`);

let stopping = false;
const shutdown = async (signal: NodeJS.Signals) => {
  if (stopping) process.exit(1); // a second Ctrl-C: do not wait any longer
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  const failed = await runtime.stop().then(
    () => false,
    (error: unknown) => (console.error(error), true),
  );
  process.exit(failed ? 1 : 0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
