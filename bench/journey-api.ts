import type { Runtime } from '../infra/local/runtime.ts';

type Json = Record<string, any>;

/** A call that must answer `expected`, or the figure is wrong and the bench stops. */
export type Call = (method: string, path: string, expected: number, body?: unknown) => Promise<Json>;

/** The runtime's API for one tenant, as an admin (every route the figures need). */
export const tenantApi = async (rt: Runtime, tenant: string): Promise<Call> => {
  const token = await rt.token(tenant, ['admin']);
  return async (method, path, expected, body) => {
    const res = await fetch(`${rt.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${tenant}: ${method} ${path} answered ${res.status}, expected ${expected}: ${text}`);
    return (text ? JSON.parse(text) : {}) as Json;
  };
};

/** Contacts who gave email marketing consent: the welcome trigger's filter. */
export const consentedToEmail = { consent: { email: { marketing: { granted: [true] } } } };

/** An email template with a Liquid greeting; its id. */
export const emailTemplate = async (call: Call, name: string): Promise<string> =>
  (
    await call('POST', '/templates', 201, {
      name,
      channel: 'email',
      subject: `${name} for {{ contact.firstName }}`,
      text: 'Hi {{ contact.firstName }}, welcome aboard.',
    })
  ).id;

/** Creates a journey and activates it; its id. */
export const activeJourney = async (call: Call, definition: Json): Promise<string> => {
  const { id } = await call('POST', '/journeys', 201, definition);
  await call('POST', `/journeys/${id}/activate`, 200);
  return id;
};
