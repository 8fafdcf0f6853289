import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root: NodejsFunction's project root and the base of every Lambda entry. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The lock file that pins what esbuild bundles. */
export const lockFile = fileURLToPath(new URL('../../package-lock.json', import.meta.url));

const functionsDir = new URL('../../functions/', import.meta.url);

/** A context's Lambda entry, e.g. functions/contacts/handler.ts; `file` is the name without .ts. */
export const functionEntry = (context: string, file: string) => fileURLToPath(new URL(`${context}/${file}.ts`, functionsDir));

/** The contexts that have functions/<context>/<file>.ts on disk, sorted. */
export const contextsWithEntry = (file: string): string[] =>
  readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(functionEntry(entry.name, file)))
    .map((entry) => entry.name)
    .sort();
