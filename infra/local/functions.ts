import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context.ts';

/** Entry files of a bounded context: functions/<context>/<kind>.ts, each exporting `handler` (recurring jobs name their own entry). */
export type FunctionKind = 'handler' | 'subscriber' | 'scheduled' | (string & {});

type Handler = (event: never, context: Context) => Promise<unknown>;

const loaded = new Map<string, Promise<Handler>>();

/** Imported on first use: a context a colleague has not written yet only fails the requests that reach it. */
const load = (context: string, kind: FunctionKind): Promise<Handler> => {
  const key = `${context}/${kind}`;
  let handler = loaded.get(key);
  if (!handler) {
    if (!/^[a-z][a-z0-9-]*$/.test(context) || !/^[a-z][a-z0-9-]*$/.test(kind)) throw new Error(`not a function entry: ${key}`);
    handler = import(new URL(`../../functions/${key}.ts`, import.meta.url).href).then((m: { handler?: Handler }) => {
      if (typeof m.handler !== 'function') throw new Error(`functions/${key}.ts exports no handler`);
      return m.handler;
    });
    handler.catch(() => loaded.delete(key));
    loaded.set(key, handler);
  }
  return handler;
};

/** Invokes functions/<context>/<kind>.ts as Lambda would: the event plus a fresh context object. */
export const invoke = async <E>(context: string, kind: FunctionKind, event: E, timeoutMs: number): Promise<unknown> => {
  const handler = await load(context, kind);
  return (handler as (event: E, context: Context) => Promise<unknown>)(event, lambdaContext(`rapport-${context}-${kind}`, timeoutMs));
};

export type Invoke = typeof invoke;
