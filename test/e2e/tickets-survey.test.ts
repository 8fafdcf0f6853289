import { describe, expect, it } from 'vitest';
import { uniqueTenant } from './api-client.ts';
import { hour, useJourneyRuntime } from './journeys-support.ts';

const { api, advance, contact, install, outboxTo } = useJourneyRuntime();

describe('a ticket resolved through the API', () => {
  it('starts the CSAT survey of the built-in survey journey, as ticket.resolved from an integration does', async () => {
    const tenant = uniqueTenant('tk-csat');
    await install(tenant, 'survey');
    const kim = await contact(tenant, { firstName: 'Kim', email: 'kim@csat.example', consent: { email: { surveys: true } } });
    const support = api(tenant, 'support');
    const opened = await support('POST', '/tickets', { contactId: kim.id, subject: 'Broken zip', body: 'The zip is broken' });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect((await support('POST', `/tickets/${opened.body.id}/replies`, { body: 'A new one is on its way.' })).status).toBe(201);
    const resolved = await support('PATCH', `/tickets/${opened.body.id}`, { status: 'resolved' }, { 'if-match': '"2"' });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);

    const texts = () => outboxTo('kim@csat.example').flatMap((m) => (m.channel === 'email' ? [m.email.text ?? ''] : []));
    await advance(hour, hour);
    // The agent's reply went at once (transactional); the survey waits its delay.
    expect(texts()).toEqual([expect.stringContaining('A new one is on its way.')]);
    await advance(hour, hour);
    expect(texts()).toEqual([
      expect.stringContaining('A new one is on its way.'),
      expect.stringContaining('How satisfied are you with how we handled your request?'),
    ]);
  });
});
