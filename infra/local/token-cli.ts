import { parseArgs } from 'node:util';
import { tenantPattern } from '../../shared/http/auth.ts';
import { roles } from '../../shared/http/route.ts';
import { defaultDataDir } from './paths.ts';
import { existingTokenSecret, secretsFile } from './secrets.ts';
import { signDevToken } from './token.ts';

const usage = 'usage: npm run token -- --tenant acme --role sales [--role admin] [--sub user-1] [--ttl 3600]';

const fail = (message: string): never => {
  console.error(`${message}\n${usage}`);
  process.exit(2);
};

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    role: { type: 'string', multiple: true, default: [] },
    sub: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
  },
});

const tenant = values.tenant ?? fail('--tenant is required');
if (!tenantPattern.test(tenant)) fail(`--tenant must be 2-63 of a-z, 0-9 and -, starting with a letter or digit: ${tenant}`);
const unknown = values.role.filter((r) => !(roles as readonly string[]).includes(r));
if (unknown.length) fail(`unknown role ${unknown.join(', ')}; roles are ${roles.join(', ')}`);
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) fail(`--ttl must be a positive number of seconds: ${values.ttl}`);

const dataDir = defaultDataDir();
const tokenSecret =
  existingTokenSecret(dataDir) ??
  fail(
    `no dev key in ${secretsFile(dataDir)}: start the runtime first (npm start), and give this command the same RAPPORT_DATA_DIR as npm start`,
  );
const token = await signDevToken(tokenSecret, { tenant, roles: values.role, sub: values.sub, ttl });
console.log(
  `Dev token for tenant ${tenant}, roles [${values.role.join(' ')}], valid ${ttl} s (key in ${dataDir}). Send it as: Authorization: Bearer <token>`,
);
console.log(token);
