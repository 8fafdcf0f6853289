import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendSurvey } from '../../functions/surveys/send.ts';
import { ManualClock } from '../../infra/local/manual-clock.ts';
import { apiClient, uniqueTenant } from '../e2e/api-client.ts';
import { phone, useBrowser } from '../support/browser.ts';
import { useTestRuntime } from '../support/runtime.ts';

const rt = useTestRuntime({ clock: new ManualClock(new Date('2026-05-04T12:00:00Z')) });
/** Where the phone-sized screenshot goes, for a person to look at. */
const screenshotFile = join(process.env.SCREENSHOT_DIR ?? tmpdir(), 'rapport-survey-page-390x844.png');

const browser = useBrowser();

/** Sends an NPS survey to a new contact and returns the survey page's address on this runtime. */
const surveyLink = async () => {
  const tenant = uniqueTenant('survey-page');
  const api = apiClient(rt.url, await rt.token(tenant, ['admin']));
  const email = `${tenant}@example.com`;
  const { body: contact } = await api('POST', '/contacts', { email, consent: { email: { surveys: true } } });
  await sendSurvey({
    tenantId: tenant,
    contactId: contact.id,
    kind: 'nps',
    question: 'How likely are you to recommend us to a friend?',
    commentPrompt: 'What is the main reason for your score?',
    dedupeKey: 'browser.survey',
  });
  const message = rt.outbox.messages().find((m) => m.channel === 'email' && m.email.to === email);
  const link = message?.channel === 'email' ? /https?:\/\/\S+\/s\/[\w.-]+/.exec(message.email.text ?? '')?.[0] : undefined;
  if (!link) throw new Error('no survey email in the outbox');
  return `${rt.url}${new URL(link).pathname}`;
};

describe('survey page in a phone browser', () => {
  it('is answered with taps and a comment, without JavaScript, and refuses a second answer', async () => {
    const link = await surveyLink();
    const context = await browser().newContext({
      viewport: phone,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      javaScriptEnabled: false,
    });
    const [page, secondTab] = [await context.newPage(), await context.newPage()];
    await page.goto(link);
    await secondTab.goto(link);

    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toContain('width=device-width');
    const radios = page.getByRole('radio');
    expect(await radios.count()).toBe(11);
    expect(await page.getByRole('group', { name: 'How likely are you to recommend us to a friend?' }).count()).toBe(1);
    for (const label of await page.locator('.scale label').all()) {
      const box = (await label.boundingBox())!;
      expect(box.width).toBeGreaterThanOrEqual(44);
      expect(box.height).toBeGreaterThanOrEqual(44);
    }
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(phone.width);

    // Without a score the browser itself refuses to send the form (required radios)
    expect(await page.locator('form').evaluate((form) => (form as unknown as { checkValidity(): boolean }).checkValidity())).toBe(false);

    await page.getByRole('radio', { name: '9' }).check();
    await page.getByLabel('What is the main reason for your score?').fill('Friendly people, quick answers');
    const png = await page.screenshot({ fullPage: true });
    writeFileSync(screenshotFile, png);
    expect(png.readUInt32BE(16), 'screenshot width (IHDR) at device scale 2').toBe(phone.width * 2);

    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'Thank you!' }).waitFor();
    expect(await page.textContent('body')).toContain('Your answer has been recorded');

    await secondTab.getByRole('radio', { name: '3' }).check();
    await secondTab.getByRole('button', { name: 'Send' }).click();
    await secondTab.getByRole('heading', { name: 'Thank you!' }).waitFor();
    expect(await secondTab.textContent('body')).toContain('already answered');
    await context.close();
  });
});
