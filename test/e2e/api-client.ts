import { afterAll, expect } from 'vitest';
import { openApiDocument } from '../../functions/platform/openapi.ts';
import { routes } from '../../functions/routes.ts';
import { checkContract, type Exchange } from '../support/openapi-contract.ts';

/** A tiny HTTP client for e2e tests: one tenant and role per instance. */
export type Api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiResponse>;
export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** Every answer this test file received: after the file, each must match the OpenAPI document. */
const exchanges: Exchange[] = [];
afterAll(() => {
  const { mismatches, undeclared } = checkContract(openApiDocument(routes), exchanges);
  expect({ mismatches, undeclared }).toEqual({ mismatches: [], undeclared: [] });
});

const send = async (
  baseUrl: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> => {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // non-JSON bodies stay text
  }
  exchanges.push({
    method,
    url: path,
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    headers: [...res.headers.keys()],
    body: parsed,
  });
  return { status: res.status, headers: res.headers, body: parsed };
};

/** Every 201 any e2e test sees is checked: its Location must name something a GET of the same caller can read. */
export const apiClient =
  (baseUrl: string, token?: string): Api =>
  async (method, path, body, headers = {}) => {
    const res = await send(baseUrl, token, method, path, body, headers);
    if (res.status !== 201) return res;
    const location = res.headers.get('location');
    if (!location) throw new Error(`${method} ${path} answered 201 without a Location`);
    const followed = await send(baseUrl, token, 'GET', location);
    if (followed.status !== 200)
      throw new Error(`${method} ${path} answered 201 with Location ${location}, where GET answers ${followed.status}`);
    return res;
  };

let counter = 0;
/** A tenant id no other test uses, so tests share one table without seeing each other. */
export const uniqueTenant = (label: string) =>
  `${label}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`.toLowerCase().slice(0, 60);
