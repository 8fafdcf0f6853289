import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const functionsDir = join(import.meta.dirname, '../../functions');
const contexts = readdirSync(functionsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** `from '../<context>/<file>'` in every file of a context. */
const crossImports = (context: string) =>
  readdirSync(join(functionsDir, context), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) =>
      [...readFileSync(join(functionsDir, context, file), 'utf8').matchAll(/from '\.\.\/([a-z-]+)\/([a-z-/]+\.ts)'/g)]
        .filter(([, other]) => other !== context)
        .map(([, other, target]) => ({ file: `${context}/${file}`, other: other!, target: target! })),
    );

/** The platform context publishes the whole API contract, so it reads every context's routes and schemas. */
const allowed = (context: string, target: string) =>
  target === 'api.ts' || (context === 'platform' && /^(routes|schemas)\.ts$/.test(target));

describe('context boundaries', () => {
  it.each(contexts)('%s reaches other contexts only through their api.ts', (context) => {
    const violations = crossImports(context)
      .filter(({ target }) => !allowed(context, target))
      .map(({ file, other, target }) => `${file} imports ${other}/${target}`);
    expect(violations).toEqual([]);
  });

  it('keeps shared/ free of any context', () => {
    const sharedDir = join(import.meta.dirname, '../../shared');
    const reaching = readdirSync(sharedDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && /from '[./]*\/functions\//.test(readFileSync(join(sharedDir, file), 'utf8')))
      .map(String);
    expect(reaching).toEqual([]);
  });
});
