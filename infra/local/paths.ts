import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where `npm start` keeps the table, secrets and sent messages: RAPPORT_DATA_DIR or .rapport/ in the project. */
export const defaultDataDir = (): string => resolve(process.env.RAPPORT_DATA_DIR ?? join(projectRoot, '.rapport'));
