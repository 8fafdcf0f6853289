import type { RouteSpec } from './route.ts';

type Location = NonNullable<RouteSpec['location']>;

/** The GET route a Location names, and the response field each of its path parameters comes from. */
export const locationTarget = (location: Location) => {
  const { path, fields } = typeof location === 'string' ? { path: location, fields: {} as Record<string, string> } : location;
  const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  return { path, params: params.map((name) => ({ name, field: fields[name] ?? name })) };
};

/** The Location of a created resource, from its route's declaration and the response body. */
export const locationOf = (location: Location, body: Record<string, unknown>): string => {
  const { path, params } = locationTarget(location);
  return params.reduce((url, { name, field }) => {
    const value = body[field];
    if (typeof value !== 'string' || !value) throw new Error(`the response has no ${field} to fill {${name}} of its Location ${path}`);
    return url.replace(`{${name}}`, encodeURIComponent(value));
  }, path);
};
