import { describe, expect, it } from 'vitest';
import { apiClient, uniqueTenant } from '../e2e/api-client.ts';
import { phone, useBrowser } from '../support/browser.ts';
import { eventually } from '../support/eventually.ts';
import { useTestRuntime } from '../support/runtime.ts';

const rt = useTestRuntime();
const browser = useBrowser();

/** The sign-in link of the newest email to `address`, as a path on this runtime. */
const signInLinkFor = (address: string) =>
  eventually(() => {
    const message = rt.outbox
      .messages()
      .toReversed()
      .find((m) => m.channel === 'email' && m.email.to === address);
    const link =
      message?.channel === 'email'
        ? /https?:\/\/\S+\/portal\/[a-z0-9-]+\/auth\?token=[\w.-]+/.exec(message.email.text ?? '')?.[0]
        : undefined;
    expect(link).toBeTruthy();
    const url = new URL(link!);
    return `${rt.url}${url.pathname}${url.search}`;
  });

describe('the self-service portal in a phone browser', () => {
  it('signs in from the emailed link, opens a request and shows the agent reply', async () => {
    const tenant = uniqueTenant('portal-page');
    const email = `${tenant}@example.com`;
    const agent = apiClient(rt.url, await rt.token(tenant, ['support'], 'agent-1'));
    expect((await agent('POST', '/contacts', { firstName: 'Ada', email })).status).toBe(201);

    const context = await browser().newContext({ viewport: phone, isMobile: true, hasTouch: true, javaScriptEnabled: false });
    const page = await context.newPage();

    // Not signed in: the portal sends the person to its sign-in page
    await page.goto(`${rt.url}/portal/${tenant}`);
    await page.getByRole('heading', { name: 'Sign in to your support requests' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/portal/${tenant}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).tap();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    // The link from the outbox opens a page whose button signs in; the session lives in an HttpOnly cookie
    const link = await signInLinkFor(email);
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign in' }).tap();
    await page.waitForURL(`${rt.url}/portal/${tenant}`);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'rapport_portal', httpOnly: true, sameSite: 'Lax', path: `/portal/${tenant}` });
    await page.getByRole('heading', { name: 'My tickets' }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(phone.width);

    // The link worked once
    const second = await context.newPage();
    await second.goto(link);
    await second.getByRole('button', { name: 'Sign in' }).tap();
    await second.getByRole('heading', { name: 'This link was already used' }).waitFor();
    await second.close();

    // Open a request
    await page.getByRole('link', { name: 'New request' }).first().tap();
    await page.getByLabel('Subject').fill('My order <b>arrived</b> broken');
    await page.getByLabel('How can we help?').fill('The screen is cracked.');
    await page.getByRole('button', { name: 'Send request' }).tap();
    await page.getByRole('heading', { name: 'My order <b>arrived</b> broken' }).waitFor();
    const ticketId = new URL(page.url()).pathname.split('/').at(-1)!;
    expect(await page.locator('.message.customer').textContent()).toContain('The screen is cracked.');

    // An agent answers through the staff API; the customer sees it on reload, and answers back from the page
    expect((await agent('POST', `/tickets/${ticketId}/replies`, { body: 'A new one is on its way.' })).status).toBe(201);
    expect((await agent('POST', `/tickets/${ticketId}/notes`, { body: 'internal: replacement order 1234' })).status).toBe(201);
    await page.reload();
    await page.locator('.message.agent', { hasText: 'A new one is on its way.' }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain('replacement order 1234');
    await page.getByLabel('Your reply').fill('Thank you!');
    await page.getByRole('button', { name: 'Send reply' }).tap();
    await page.locator('.message.customer', { hasText: 'Thank you!' }).waitFor();

    // My tickets lists it; signing out ends the session
    await page.getByRole('link', { name: 'My tickets' }).tap();
    await page.getByRole('link', { name: /My order <b>arrived<\/b> broken/ }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).tap();
    await page.getByRole('heading', { name: 'Sign in to your support requests' }).waitFor();
    await page.goto(`${rt.url}/portal/${tenant}/tickets/${ticketId}`);
    expect(new URL(page.url()).pathname).toBe(`/portal/${tenant}/sign-in`);
    await context.close();
  });
});
