import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entityCatalog } from '../../functions/items.ts';
import { kernelEntities } from '../../shared/db/keys.ts';

const declared = Object.entries(entityCatalog).flatMap(([context, entities]) =>
  Object.values(entities).map((name) => ({ context, name: name as string })),
);

describe('entity catalog', () => {
  it('gives every entity name to one owner only', () => {
    const owners = new Map<string, string[]>();
    for (const { context, name } of [...declared, ...Object.values(kernelEntities).map((name) => ({ context: 'kernel', name }))])
      owners.set(name, [...(owners.get(name) ?? []), context]);
    expect([...owners].filter(([, by]) => by.length > 1)).toEqual([]);
  });

  it('has a line for every context with an items.ts', () => {
    const functionsDir = join(import.meta.dirname, '../../functions');
    const withItems = readdirSync(functionsDir).filter((name) => existsSync(join(functionsDir, name, 'items.ts')));
    expect(Object.keys(entityCatalog).sort()).toEqual(withItems.sort());
  });
});
