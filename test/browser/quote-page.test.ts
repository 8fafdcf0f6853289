import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiClient, uniqueTenant } from '../e2e/api-client.ts';
import { phone, useBrowser } from '../support/browser.ts';
import { eventually } from '../support/eventually.ts';
import { useTestRuntime } from '../support/runtime.ts';

const rt = useTestRuntime();
/** Where the phone-sized screenshot goes, for a person to look at. */
const screenshotFile = join(process.env.SCREENSHOT_DIR ?? tmpdir(), 'rapport-quote-page-390x844.png');

const browser = useBrowser();

/** A sent quote on a new deal, and the page address its email links to on this runtime. */
const quoteLink = async () => {
  const tenant = uniqueTenant('quote-page');
  const api = apiClient(rt.url, await rt.token(tenant, ['admin']));
  const email = `${tenant}@example.com`;
  const { body: contact } = await api('POST', '/contacts', { firstName: 'Ada', email });
  const { body: deal } = await api('POST', '/deals', { name: 'Seats', contactIds: [contact.id] });
  const { body: seat } = await api('POST', '/products', { sku: 'SEAT', name: 'Annual seat licence', taxRateBp: 2000 });
  const { body: setup } = await api('POST', '/products', { sku: 'SETUP', name: 'Onboarding and setup', taxRateBp: 2000 });
  await api('POST', '/price-books', {
    name: 'List',
    prices: [
      { productId: seat.id, currency: 'EUR', unitAmount: 3333 },
      { productId: setup.id, currency: 'EUR', unitAmount: 50000 },
    ],
  });
  const { body: quote } = await api('POST', '/quotes', {
    dealId: deal.id,
    winDealOnAccept: true,
    note: 'Prices include the first year of support.',
    lines: [
      { productId: seat.id, quantity: 3, discount: { percentBp: 1000 } },
      { productId: setup.id, quantity: 1 },
    ],
  });
  expect((await api('POST', `/quotes/${quote.id}/send`)).status).toBe(200);
  const message = rt.outbox.messages().find((m) => m.channel === 'email' && m.email.to === email);
  const link = message?.channel === 'email' ? /https?:\/\/\S+\/q\/[\w.-]+/.exec(message.email.text ?? '')?.[0] : undefined;
  if (!link) throw new Error('no quote email in the outbox');
  return { url: `${rt.url}${new URL(link).pathname}`, api, quote, deal };
};

describe('quote page in a phone browser', () => {
  it('shows the lines and totals, is accepted with a tap without JavaScript, and refuses a second decision', async () => {
    const { url, api, quote, deal } = await quoteLink();
    const context = await browser().newContext({
      viewport: phone,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      javaScriptEnabled: false,
    });
    const [page, secondTab] = [await context.newPage(), await context.newPage()];
    await page.goto(url);
    await secondTab.goto(url);

    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toContain('width=device-width');
    expect(await page.getByRole('heading', { name: 'Your quote' }).count()).toBe(1);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('Annual seat licence');
    expect(text).toContain('€107.99'); // 3 × 33.33 − 10 % = 89.99 + 18.00 tax
    expect(text).toContain('€707.99'); // + 500.00 + 100.00 tax
    for (const name of ['Accept the quote', 'Decline']) {
      const box = (await page.getByRole('button', { name }).boundingBox())!;
      expect(box.height, name).toBeGreaterThanOrEqual(44);
      expect(box.width, name).toBeGreaterThanOrEqual(44);
    }
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(phone.width);
    const png = await page.screenshot({ fullPage: true });
    writeFileSync(screenshotFile, png);
    expect(png.readUInt32BE(16), 'screenshot width (IHDR) at device scale 2').toBe(phone.width * 2);

    await page.getByRole('button', { name: 'Accept the quote' }).tap();
    // The tap posts the form: wait for the answer page, not the page already loaded.
    await page.getByText('You accepted this quote').waitFor();

    // The tab opened before the decision still shows the buttons: its decline is refused, the acceptance stands
    await secondTab.getByRole('button', { name: 'Decline' }).tap();
    await secondTab.getByText('You accepted this quote').waitFor();
    expect(await secondTab.getByRole('button', { name: 'Decline' }).count()).toBe(0);
    expect((await api('GET', `/quotes/${quote.id}`)).body.status).toBe('accepted');
    // The deals context wins the deal from quote.accepted, after the page answered.
    await eventually(async () => expect((await api('GET', `/deals/${deal.id}`)).body.status).toBe('won'));
    await context.close();
  });
});
