import { escapeHtml, pageRenderer } from '../../shared/http/html-page.ts';
import type { Content } from '../messaging/api.ts';
import type { Quote } from './schemas.ts';

const style = `
*{box-sizing:border-box}
body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;background:#f6f7f9}
main{max-width:44rem;margin:0 auto;padding:1.5rem 1rem 3rem}
h1{font-size:1.35rem;line-height:1.35;margin:0 0 1rem}
.line{background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:.75rem 1rem;margin:0 0 .75rem}
.line h2{font-size:1rem;margin:0 0 .25rem}
.line p{margin:0;color:#444;font-size:.95rem}
.amount{float:right;font-weight:600;color:#111}
dl.totals{display:grid;grid-template-columns:1fr auto;gap:.25rem 1rem;margin:1.25rem 0}
dl.totals dt{color:#444}
dl.totals dd{margin:0;text-align:right;font-weight:600}
dl.totals .grand{font-size:1.2rem}
.actions{display:grid;gap:.75rem;margin-top:1.5rem}
@media (min-width:36rem){.actions{grid-template-columns:1fr 1fr}}
button{width:100%;min-height:3.25rem;border:2px solid #1d4ed8;border-radius:.5rem;background:#1d4ed8;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.secondary{background:#fff;color:#1d4ed8}
button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.note{color:#444}
`;

export const htmlPage = pageRenderer(style);

/** A page that only tells the person something: thanks, already answered, expired… */
export const noticePage = (status: number, title: string, message: string) =>
  htmlPage(status, title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);

/** Minor units as a price in the quote's currency, e.g. €1,079.99 (the currency's own number of decimals). */
export const formatMoney = (amount: number, currency: string) => {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
};

/** The quote as the customer reads it, with Accept and Decline; works without JavaScript. */
export const quotePage = (status: number, q: Quote, decided?: string) => {
  const money = (amount: number) => escapeHtml(formatMoney(amount, q.currency));
  const lines = q.lines
    .map(
      (l) => `<section class="line">
<h2>${escapeHtml(l.name)} <span class="amount">${money(l.totalAmount)}</span></h2>
<p>${escapeHtml(l.quantity)} × ${money(l.unitAmount)}${l.discountAmount ? `, discount ${money(l.discountAmount)}` : ''}, tax ${escapeHtml(l.taxRateBp / 100)} % (${money(l.taxAmount)})</p>
${l.description ? `<p>${escapeHtml(l.description)}</p>` : ''}
</section>`,
    )
    .join('\n');
  const actions = decided
    ? `<p><strong>${escapeHtml(decided)}</strong></p>`
    : `<form method="post" class="actions">
<button type="submit" name="decision" value="accept">Accept the quote</button>
<button type="submit" name="decision" value="decline" class="secondary">Decline</button>
</form>`;
  return htmlPage(
    status,
    'Your quote',
    `<h1>Your quote</h1>
${q.validUntil ? `<p class="note">Valid until ${escapeHtml(q.validUntil)}.</p>` : ''}
${q.note ? `<p class="note">${escapeHtml(q.note)}</p>` : ''}
${lines}
<dl class="totals">
<dt>Net</dt><dd>${money(q.totals.net)}</dd>
<dt>Tax</dt><dd>${money(q.totals.tax)}</dd>
<dt class="grand">Total</dt><dd class="grand">${money(q.totals.total)}</dd>
</dl>
${actions}`,
  );
};

/** The email carrying the link, as Liquid for messaging to render: the link and total arrive as variables. */
export const quoteEmail: Content = {
  subject: 'Your quote is ready',
  html: [
    '<div style="font:16px/1.5 sans-serif;color:#111;max-width:560px">',
    '<p>Your quote is ready: {{ total }}.</p>',
    '<p><a href="{{ quoteUrl }}" style="display:inline-block;padding:12px 20px;background:#1d4ed8;color:#fff;border-radius:6px;text-decoration:none;font-weight:600">Open the quote</a></p>',
    '<p style="font-size:13px;color:#555">You can accept or decline it on that page until {{ expires }}.</p>',
    '</div>',
  ].join('\n'),
  text: [
    'Your quote is ready: {{ total }}.',
    '',
    'Open it, and accept or decline it, here:',
    '{{ quoteUrl }}',
    '',
    'The link works until {{ expires }}.',
  ].join('\n'),
};
