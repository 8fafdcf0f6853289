import { fileURLToPath } from 'node:url';

/** The repository root: NodejsFunction's project root and the base of every Lambda entry. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The lock file that pins what esbuild bundles. */
export const lockFile = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

/** A context's Lambda entry, e.g. functions/contacts/handler.ts. */
export const functionEntry = (context: string, file: 'handler' | 'subscriber') =>
  fileURLToPath(new URL(`../../functions/${context}/${file}.ts`, import.meta.url));
