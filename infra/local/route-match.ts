/** A route template as API Gateway HTTP API takes it: `/contacts/{id}`, `/files/{path+}`. */
export interface RouteTemplate {
  method: string;
  path: string;
}

export type RouteMatch<R> =
  | { found: true; route: R; routeKey: string; pathParameters: Record<string, string> }
  | { found: false; allowedMethods: string[] };

type Segment = { kind: 'static'; value: string } | { kind: 'param' | 'greedy'; name: string };

const parse = (path: string): Segment[] =>
  path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      const param = /^\{([^}+]+)(\+?)\}$/.exec(s);
      if (!param) return { kind: 'static', value: s };
      return { kind: param[2] ? 'greedy' : 'param', name: param[1]! };
    });

/** Percent-decodes as API Gateway does, leaving a malformed escape as it is. */
export const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

const bind = (template: Segment[], parts: string[]): Record<string, string> | undefined => {
  const params: Record<string, string> = {};
  for (const [i, segment] of template.entries()) {
    if (segment.kind === 'greedy') {
      if (i >= parts.length) return undefined;
      params[segment.name] = decode(parts.slice(i).join('/'));
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === 'static' && decode(part) !== segment.value) return undefined;
    if (segment.kind === 'param') params[segment.name] = decode(part);
  }
  return parts.length === template.length ? params : undefined;
};

const rank = { static: 2, param: 1, greedy: 0 } as const;
/** API Gateway prefers the most specific route: static segments beat variables, variables beat greedy ones. */
const moreSpecific = (a: Segment[], b: Segment[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ? rank[a[i]!.kind] : -1) - (b[i] ? rank[b[i]!.kind] : -1);
    if (diff) return -diff;
  }
  return 0;
};

/** Matches a request's method and raw path against the route catalog, as API Gateway does. */
export const routeMatcher = <R extends RouteTemplate>(routes: readonly R[]) => {
  const compiled = routes.map((route) => ({ route, segments: parse(route.path) }));
  return (method: string, rawPath: string): RouteMatch<R> => {
    const parts = rawPath.split('/').filter(Boolean);
    const candidates = compiled
      .map((c) => ({ ...c, params: bind(c.segments, parts) }))
      .filter((c) => c.params)
      .sort((a, b) => moreSpecific(a.segments, b.segments));
    const hit = candidates.find((c) => c.route.method === method);
    if (!hit) return { found: false, allowedMethods: [...new Set(candidates.map((c) => c.route.method))] };
    return { found: true, route: hit.route, routeKey: `${hit.route.method} ${hit.route.path}`, pathParameters: hit.params! };
  };
};
