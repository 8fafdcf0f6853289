import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sendMessage } from '../../functions/messaging/send.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { apiClient, uniqueTenant } from '../e2e/api-client.ts';
import { phone, useBrowser } from '../support/browser.ts';
import { useTestRuntime } from '../support/runtime.ts';

const clock = new ManualClock(new Date('2026-05-04T12:00:00Z'));
const rt = useTestRuntime({ clock });

const browser = useBrowser();

/** A contact reachable by email and SMS, a marketing email sent to them, and the preference link it carries (on this runtime). */
const emailedContact = async () => {
  const tenant = uniqueTenant('unsub-page');
  const api = apiClient(rt.url, await rt.token(tenant, ['admin']));
  const email = `${tenant}@example.com`;
  const { body: contact } = await api('POST', '/contacts', {
    email,
    phone: '+14155550142',
    consent: { email: { marketing: true, surveys: true }, sms: { marketing: true } },
  });
  const outcome = await sendMessage({
    tenantId: tenant,
    contactId: contact.id,
    channel: 'email',
    purpose: 'marketing',
    content: { subject: 'Spring news', html: '<p>News</p><p><a href="{{ unsubscribeUrl }}">Manage your emails</a></p>' },
    dedupeKey: 'browser.unsubscribe',
  });
  expect(outcome.status).toBe('sent');
  const message = rt.outbox.messages().find((m) => m.channel === 'email' && m.email.to === email);
  const href = message?.channel === 'email' ? /href="([^"]+\/unsubscribe\/[^"]+)"/.exec(message.email.html ?? '')?.[1] : undefined;
  if (!href) throw new Error('no preference link in the email');
  return { api, email, contactId: contact.id as string, link: `${rt.url}${new URL(href).pathname}` };
};

const phonePage = async (): Promise<Page> =>
  (
    await browser().newContext({ viewport: phone, deviceScaleFactor: 2, isMobile: true, hasTouch: true, javaScriptEnabled: false })
  ).newPage();
const box = (page: Page, name: string) => page.locator(`input[type=checkbox][name="${name}"]`);

describe('preference page in a phone browser', () => {
  it('opens from the email, unticks a choice, saves, confirms, and the API shows the consent withdrawn', async () => {
    const { api, email, contactId, link } = await emailedContact();
    const page = await phonePage();
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toContain('width=device-width');
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true); // no sideways scrolling
    expect(await page.getByRole('group').count()).toBe(2); // email and SMS
    const shown = await page.textContent('body');
    expect(shown).toContain(`${email[0]}•••@example.com`); // masked, in case the link is forwarded
    expect(shown).not.toContain(email);

    const states = async () =>
      Promise.all(['email.marketing', 'email.surveys', 'sms.marketing', 'sms.surveys'].map((n) => box(page, n).isChecked()));
    expect(await states()).toEqual([true, true, true, false]);

    await box(page, 'email.marketing').uncheck();
    await page.getByRole('button', { name: 'Save my choices' }).click();
    expect(await page.getByRole('status').textContent()).toContain('Your choices are saved');
    expect(await states()).toEqual([false, true, true, false]);

    const { body: contact } = await api('GET', `/contacts/${contactId}`);
    expect(contact.consent.email.marketing).toEqual({ granted: false, source: 'unsubscribe-link', at: clock.now().toISOString() });
    expect(contact.consent.email.surveys.granted).toBe(true);
    expect(contact.consent.sms.marketing.granted).toBe(true);
    expect(contact.consentHistory.at(-1)).toMatchObject({
      channel: 'email',
      purpose: 'marketing',
      granted: false,
      source: 'unsubscribe-link',
    });
  });

  it('unsubscribes from everything with one button', async () => {
    const { api, contactId, link } = await emailedContact();
    const page = await phonePage();
    await page.goto(link);
    await page.getByRole('button', { name: 'Unsubscribe from all' }).click();
    expect(await page.getByRole('status').textContent()).toContain('Your choices are saved');
    const { body: contact } = await api('GET', `/contacts/${contactId}`);
    expect([contact.consent.email.marketing.granted, contact.consent.email.surveys.granted, contact.consent.sms.marketing.granted]).toEqual(
      [false, false, false],
    );
  });

  it('says so when the link has expired (after 60 days)', async () => {
    const { link } = await emailedContact();
    await clock.advance(61 * 24 * 3600 * 1000);
    const page = await phonePage();
    const response = await page.goto(link);
    expect(response?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('This link is not valid any more');
  });
});
