import { withLabel } from './dynamo-meter.ts';

type Method = (...args: never[]) => unknown;

/**
 * Puts `wrap(original)` in place of `owner[name]` until the returned function
 * puts the original back. For seams the runtime wires itself (the engine's
 * effects, the engine the sweep calls), where the bench cannot pass a
 * stand-in: their callers look the method up on the object at each call.
 */
export const swapMethod = <T extends Record<K, Method>, K extends keyof T & string>(
  owner: T,
  name: K,
  wrap: (original: T[K]) => T[K],
): (() => void) => {
  const original = owner[name];
  owner[name] = wrap(original);
  return () => {
    owner[name] = original;
  };
};

/** Files the DynamoDB calls made inside `owner[name]` under `label`, until the returned function is called. */
export const labelCalls = <T extends Record<K, Method>, K extends keyof T & string>(owner: T, name: K, label: string): (() => void) =>
  swapMethod(owner, name, (original) => ((...args: Parameters<T[K]>) => withLabel(label, () => original.apply(owner, args))) as T[K]);
