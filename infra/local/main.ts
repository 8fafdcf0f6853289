import { defaultDataDir } from './paths.ts';
import { startRuntime } from './runtime.ts';

const inMemory = process.argv.includes('--in-memory');
const port = Number(process.env.PORT ?? 3000);
const dataDir = defaultDataDir();

const runtime = await startRuntime({ port, dataDir, inMemory, publicBaseUrl: process.env.PUBLIC_BASE_URL || undefined });

const tokenCommand = process.env.RAPPORT_DATA_DIR ? `RAPPORT_DATA_DIR=${process.env.RAPPORT_DATA_DIR} npm run token` : 'npm run token';
const linksNote =
  process.env.HOST === '0.0.0.0' && !process.env.PUBLIC_BASE_URL
    ? ' (set PUBLIC_BASE_URL to the address a phone reaches, e.g. http://192.168.1.20:3000)'
    : '';

console.log(`
Rapport is running at ${runtime.url}

  Health:       curl ${runtime.url}/health
  Get a token:  ${tokenCommand} -- --tenant acme --role sales
  Call the API: curl -H "Authorization: Bearer <token>" ${runtime.url}/contacts
  Sent mail:    curl ${runtime.url}/dev/outbox   (emails and SMS land here, newest first; nothing leaves this machine)
  Receive mail: curl --data-binary @message.eml "${runtime.url}/dev/inbound-email?tenant=acme"   (a raw RFC 5322 message, as SES receives it)
  Links:        unsubscribe and survey links in emails point at ${runtime.publicBaseUrl}${linksNote}
  Consent:      sends need consent per channel and purpose: marketing and surveys need a grant,
                transactional goes out unless refused, e.g. {"consent":{"email":{"marketing":true}}}
  Quiet hours:  marketing and survey sends in a contact's quiet hours (21:00–08:00 in their time zone
                by default, GET/PUT /messaging/settings) are deferred until they end, not dropped
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
    (error: unknown) => {
      console.error(error);
      return true;
    },
  );
  process.exit(failed ? 1 : 0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
