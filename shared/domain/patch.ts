type Entity = { version: number; updatedAt: string; attributes?: Record<string, unknown> };

/**
 * PATCH semantics shared by every entity: a null removes an optional field,
 * `attributes` merge key by key (null removes one), other fields replace.
 * Fields listed in `skip` are left to the caller.
 */
export const applyPatch = <T extends Entity>(before: T, patch: Record<string, unknown>, now: string, skip: string[] = []): T => {
  const after: Record<string, unknown> = { ...before, version: before.version + 1, updatedAt: now };
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined || skip.includes(field)) continue;
    if (field === 'attributes') {
      const merged: Record<string, unknown> = { ...before.attributes, ...(value as Record<string, unknown>) };
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v === null) delete merged[k];
      after.attributes = merged;
    } else if (value === null) delete after[field];
    else after[field] = value;
  }
  return after as T;
};

/** Top-level fields that differ between two versions, bookkeeping excluded. */
export const changedFields = <T extends object>(before: T, after: T): string[] =>
  Object.keys({ ...before, ...after }).filter(
    (k) => !['version', 'updatedAt'].includes(k) && JSON.stringify(before[k as keyof T]) !== JSON.stringify(after[k as keyof T]),
  );
