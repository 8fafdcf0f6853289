import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderContent } from '../../functions/messaging/liquid.ts';
import { surveyEmail } from '../../functions/surveys/email.ts';
import { readSurveyLink } from '../../functions/surveys/link.ts';
import { noticePage, surveyForm } from '../../functions/surveys/page.ts';
import { parseScore } from '../../functions/surveys/service.ts';
import { signLink } from '../../shared/crypto/signed.ts';
import { escapeHtml } from '../../shared/http/html-page.ts';

const html = (reply: { body?: unknown }) => String(reply.body);
const nasty = `<script>alert("x")</script> & 'friends'`;

describe('survey form', () => {
  it('offers 0–10 for NPS and 1–5 for CSAT as required radio inputs with labels', () => {
    const nps = html(surveyForm(200, { kind: 'nps', question: 'Recommend us?' }));
    expect([...nps.matchAll(/<label><input type="radio" name="score" value="(\d+)" required/g)].map((m) => Number(m[1]))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(nps).toContain('0 = Not at all likely');
    const csat = html(surveyForm(200, { kind: 'csat', question: 'Happy?' }));
    expect([...csat.matchAll(/name="score" value="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([1, 2, 3, 4, 5]);
    expect(csat).toContain('5 = Very satisfied');
  });

  it('is a phone-ready page: language, viewport, a form posting back without JavaScript', () => {
    const page = html(surveyForm(200, { kind: 'nps', question: 'Recommend us?' }));
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<form method="post">');
    expect(page).not.toContain('<script');
  });

  it('shows the comment box only when there is a prompt, labelled by it', () => {
    expect(html(surveyForm(200, { kind: 'nps', question: 'Q' }))).not.toContain('<textarea');
    const page = html(surveyForm(200, { kind: 'nps', question: 'Q', commentPrompt: 'What could we do better?' }));
    expect(page).toMatch(/<label for="comment">What could we do better\? .*<\/label>\n(?:.*\n)?<textarea id="comment" name="comment"/);
  });

  it('escapes every value it shows', () => {
    const page = html(
      surveyForm(400, { kind: 'nps', question: nasty, commentPrompt: nasty, comment: `</textarea>${nasty}`, errors: { score: nasty } }),
    );
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('</textarea><');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;friends&#39;');
    expect(html(noticePage(410, nasty, nasty))).not.toContain('<script>');
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
  });

  it('keeps what the person entered when it sends the form back with an error', () => {
    const page = html(
      surveyForm(400, {
        kind: 'nps',
        question: 'Q',
        commentPrompt: 'Why?',
        selected: 7,
        comment: 'great',
        errors: { score: 'Please pick a score from 0 to 10.' },
      }),
    );
    expect(page).toContain('value="7" required aria-describedby="scale-ends score-error" checked');
    expect(page).toContain('>great</textarea>');
    expect(page).toContain('<p class="error" id="score-error">Please pick a score from 0 to 10.</p>');
  });

  it('allows its stylesheet by hash and no script', () => {
    const reply = surveyForm(200, { kind: 'csat', question: 'Q' });
    const css = /<style>([\s\S]*?)<\/style>/.exec(html(reply))![1]!;
    const csp = reply.headers['content-security-policy']!;
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(css).digest('base64')}'`);
    expect(csp).toContain("default-src 'none'");
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
  });
});

describe('scores', () => {
  it('accepts whole numbers on the survey’s scale only, from forms or JSON', () => {
    expect(parseScore({ kind: 'nps' }, '0')).toBe(0);
    expect(parseScore({ kind: 'nps' }, 10)).toBe(10);
    expect(parseScore({ kind: 'csat' }, '5')).toBe(5);
    for (const bad of ['11', '-1', '', ' 3', '3.0', '1e1', 3.5, null, undefined, true])
      expect(parseScore({ kind: 'nps' }, bad), String(bad)).toBeUndefined();
    expect(parseScore({ kind: 'csat' }, '0')).toBeUndefined();
    expect(parseScore({ kind: 'csat' }, 6)).toBeUndefined();
  });
});

describe('survey link', () => {
  const now = new Date('2026-05-04T10:00:00Z');

  it('tells a tampered or foreign token from an expired one', async () => {
    const token = await signLink({ t: 'acme', s: 'send-1' }, 'survey', new Date('2026-05-05T00:00:00Z'));
    expect(await readSurveyLink(token, now)).toEqual({ status: 'valid', tenantId: 'acme', sendId: 'send-1' });
    expect(await readSurveyLink(token, new Date('2026-05-05T00:00:00Z'))).toEqual({ status: 'expired' });
    const [payload, signature] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ t: 'other', s: 'send-1', exp: 9e9 })).toString('base64url')}.${signature}`;
    expect(await readSurveyLink(forged, now)).toEqual({ status: 'invalid' });
    expect(await readSurveyLink(`${payload}.${signature!.slice(0, -2)}`, now)).toEqual({ status: 'invalid' });
    expect(await readSurveyLink('not-a-token', now)).toEqual({ status: 'invalid' });
    const unsubscribe = await signLink({ t: 'acme', s: 'send-1' }, 'unsubscribe', new Date('2026-05-05T00:00:00Z'));
    expect(await readSurveyLink(unsubscribe, now)).toEqual({ status: 'invalid' });
  });
});

describe('survey email', () => {
  it('renders through messaging’s Liquid with the question escaped and never parsed as a template', async () => {
    const question = `{{ contact.email }} ${nasty}`;
    const rendered = await renderContent(surveyEmail('nps', 14), {
      surveyUrl: 'https://crm.example/s/abc.def',
      question,
      unsubscribeUrl: 'https://crm.example/u/x',
      contact: { email: 'leak@example.com' },
    });
    expect(rendered.html).toContain('{{ contact.email }} &lt;script&gt;');
    expect(rendered.html).not.toContain('leak@example.com');
    expect(rendered.html).toContain('href="https://crm.example/s/abc.def?score=0"');
    expect(rendered.html).toContain('href="https://crm.example/s/abc.def?score=10"');
    expect(rendered.text).toContain(`{{ contact.email }} ${nasty}`);
    expect(rendered.text).toContain('https://crm.example/s/abc.def');
    expect(rendered.subject).toBeTruthy();
  });
});
