import { escapeHtml, pageRenderer } from '../../shared/http/html-page.ts';
import type { Content } from '../messaging/api.ts';
import type { TicketStatus } from '../tickets/api.ts';
import { signInLinkMinutes } from './link.ts';
import {
  type KbArticle,
  type KbHit,
  maxBodyChars,
  maxSubjectChars,
  type PortalMessage,
  type PortalSurvey,
  type PortalTicket,
} from './schemas.ts';

const style = `
*{box-sizing:border-box}
body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;background:#f6f7f9}
main{max-width:44rem;margin:0 auto;padding:1rem 1rem 3rem}
nav{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:0 0 1.25rem;padding-bottom:.75rem;border-bottom:1px solid #ddd}
nav a{color:#1d4ed8;font-weight:600;text-decoration:none;padding:.5rem 0;min-height:2.75rem;display:inline-flex;align-items:center}
nav form{margin-left:auto}
nav button{width:auto;min-height:2.75rem;margin:0;padding:0 1rem;background:#fff;color:#1d4ed8}
h1{font-size:1.35rem;line-height:1.35;margin:0 0 1rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
a{color:#1d4ed8}
ul.list{list-style:none;margin:0;padding:0}
ul.list li{margin:0 0 .75rem}
.card{display:block;background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:.75rem 1rem;color:#111;text-decoration:none}
a.card:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.card strong{display:block;color:#1d4ed8}
.meta{color:#555;font-size:.9rem}
.status{display:inline-block;padding:0 .5rem;border-radius:1rem;background:#e0e7ff;color:#1e3a8a;font-size:.85rem;font-weight:600}
.message{background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:.75rem 1rem;margin:0 0 .75rem}
.message.agent{border-left:4px solid #1d4ed8}
.message.customer{border-left:4px solid #16a34a}
.message p{margin:.25rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.article p{overflow-wrap:anywhere}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input[type=email],input[type=text],input[type=search],textarea{width:100%;padding:.75rem;font:inherit;border:2px solid #888;border-radius:.5rem;background:#fff}
textarea{min-height:8rem}
input:focus,textarea:focus{outline:3px solid #f59e0b;border-color:#1d4ed8}
button{width:100%;min-height:3.25rem;margin-top:1rem;border:2px solid #1d4ed8;border-radius:.5rem;background:#1d4ed8;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.search{display:grid;grid-template-columns:1fr auto;gap:.5rem;align-items:end}
.search button{width:auto;margin:0;padding:0 1.25rem}
.note{color:#444}
`;

export const htmlPage = pageRenderer(style);

const portalPath = (tenant: string, rest = '') => `/portal/${encodeURIComponent(tenant)}${rest}`;
export const paths = {
  signIn: (tenant: string) => portalPath(tenant, '/sign-in'),
  auth: (tenant: string) => portalPath(tenant, '/auth'),
  home: (tenant: string) => portalPath(tenant),
  newTicket: (tenant: string) => portalPath(tenant, '/new'),
  tickets: (tenant: string) => portalPath(tenant, '/tickets'),
  ticket: (tenant: string, id: string) => portalPath(tenant, `/tickets/${encodeURIComponent(id)}`),
  replies: (tenant: string, id: string) => portalPath(tenant, `/tickets/${encodeURIComponent(id)}/replies`),
  kb: (tenant: string) => portalPath(tenant, '/kb'),
  article: (tenant: string, slug: string) => portalPath(tenant, `/kb/${encodeURIComponent(slug)}`),
  signOut: (tenant: string) => portalPath(tenant, '/sign-out'),
};

const statusLabels: Record<TicketStatus, string> = {
  new: 'Received',
  open: 'Open',
  pending_customer: 'Waiting for you',
  on_hold: 'On hold',
  resolved: 'Resolved',
  closed: 'Closed',
};
const formatTime = (iso: string) => escapeHtml(`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`);
const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;

/** A signed-in page: navigation (tickets, new ticket, help articles, sign out) above the content. */
const signedIn = (status: number, tenant: string, formToken: string, title: string, body: string) =>
  htmlPage(
    status,
    title,
    `<nav aria-label="Portal">
<a href="${paths.home(tenant)}">My tickets</a>
<a href="${paths.newTicket(tenant)}">New request</a>
<a href="${paths.kb(tenant)}">Help articles</a>
<form method="post" action="${paths.signOut(tenant)}">${hidden('formToken', formToken)}<button type="submit">Sign out</button></form>
</nav>
${body}`,
  );

/** A page that only tells the person something, with an optional way on. */
export const noticePage = (status: number, title: string, message: string, next?: { href: string; label: string }) =>
  htmlPage(
    status,
    title,
    `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>${next ? `\n<p><a href="${escapeHtml(next.href)}">${escapeHtml(next.label)}</a></p>` : ''}`,
  );

export const signInPage = (status: number, tenant: string, message?: string) =>
  htmlPage(
    status,
    'Sign in',
    `<h1>Sign in to your support requests</h1>
${message ? `<p class="note">${escapeHtml(message)}</p>` : ''}
<p>Enter the email address you write to us from. We will email you a link that signs you in; no password needed.</p>
<form method="post" action="${paths.signIn(tenant)}">
<label for="email">Email address</label>
<input type="email" id="email" name="email" required autocomplete="email" maxlength="254">
<button type="submit">Email me a sign-in link</button>
</form>`,
  );

export const checkEmailPage = (tenant: string) =>
  noticePage(
    202,
    'Check your email',
    `If that address belongs to one of our customers, a sign-in link is on its way. It works once, for ${signInLinkMinutes} minutes.`,
    { href: paths.signIn(tenant), label: 'Send another link' },
  );

/** The emailed link opens this page; the button signs in, so a mail scanner that fetches links does not use the link up. */
export const confirmSignInPage = (tenant: string, token: string) =>
  htmlPage(
    200,
    'Sign in',
    `<h1>Sign in</h1>
<p>Continue to your support requests.</p>
<form method="post" action="${paths.auth(tenant)}">
${hidden('token', token)}
<button type="submit">Sign in</button>
</form>`,
  );

const ticketCard = (tenant: string, t: PortalTicket) => `<li><a class="card" href="${paths.ticket(tenant, t.id)}">
<strong>${escapeHtml(t.subject)}</strong>
<span class="status">${escapeHtml(statusLabels[t.status])}</span> <span class="meta">${escapeHtml(t.reference)} · updated ${formatTime(t.updatedAt)}</span>
</a></li>`;

export const ticketsPage = (
  tenant: string,
  formToken: string,
  tickets: PortalTicket[],
  surveys: PortalSurvey[],
  nextCursor: string | undefined,
) =>
  signedIn(
    200,
    tenant,
    formToken,
    'My tickets',
    `<h1>My tickets</h1>
${
  surveys.length
    ? `<h2>Tell us how we did</h2>
<ul class="list">${surveys.map((s) => `<li><a class="card" href="${escapeHtml(s.url)}"><strong>${escapeHtml(s.question)}</strong><span class="meta">Answer by ${formatTime(s.linkExpiresAt)}</span></a></li>`).join('\n')}</ul>`
    : ''
}
${tickets.length ? `<ul class="list">\n${tickets.map((t) => ticketCard(tenant, t)).join('\n')}\n</ul>` : '<p class="note">You have no requests yet.</p>'}
${nextCursor ? `<p><a href="${paths.home(tenant)}?cursor=${encodeURIComponent(nextCursor)}">Older requests</a></p>` : ''}
<p><a href="${paths.newTicket(tenant)}">Open a new request</a></p>`,
  );

export const newTicketPage = (tenant: string, formToken: string) =>
  signedIn(
    200,
    tenant,
    formToken,
    'New request',
    `<h1>New request</h1>
<p class="note">Tip: <a href="${paths.kb(tenant)}">search the help articles</a>; the answer may already be there.</p>
<form method="post" action="${paths.tickets(tenant)}">
${hidden('formToken', formToken)}
<label for="subject">Subject</label>
<input type="text" id="subject" name="subject" required maxlength="${maxSubjectChars}">
<label for="body">How can we help?</label>
<textarea id="body" name="body" rows="6" required maxlength="${maxBodyChars}"></textarea>
<button type="submit">Send request</button>
</form>`,
  );

const messageBlock = (m: PortalMessage) => `<article class="message ${m.author}">
<span class="meta">${m.author === 'agent' ? 'Support' : 'You'} · ${formatTime(m.createdAt)}</span>
<p>${escapeHtml(m.body)}</p>
</article>`;

export const ticketPage = (tenant: string, formToken: string, ticket: PortalTicket, messages: PortalMessage[]) =>
  signedIn(
    200,
    tenant,
    formToken,
    ticket.subject,
    `<h1>${escapeHtml(ticket.subject)}</h1>
<p><span class="status">${escapeHtml(statusLabels[ticket.status])}</span> <span class="meta">${escapeHtml(ticket.reference)} · opened ${formatTime(ticket.createdAt)}</span></p>
<section aria-label="Conversation">
${messages.map(messageBlock).join('\n')}
</section>
<form method="post" action="${paths.replies(tenant, ticket.id)}">
${hidden('formToken', formToken)}
<label for="body">Your reply</label>
<textarea id="body" name="body" rows="5" required maxlength="${maxBodyChars}"></textarea>
<button type="submit">Send reply</button>
</form>`,
  );

export const kbPage = (tenant: string, formToken: string, q: string | undefined, hits: KbHit[]) =>
  signedIn(
    200,
    tenant,
    formToken,
    'Help articles',
    `<h1>Help articles</h1>
<form method="get" action="${paths.kb(tenant)}" class="search" role="search">
<div><label for="q">Search</label><input type="search" id="q" name="q" maxlength="200" value="${escapeHtml(q ?? '')}"></div>
<button type="submit">Search</button>
</form>
${
  q
    ? hits.length
      ? `<ul class="list">\n${hits.map((h) => `<li><a class="card" href="${paths.article(tenant, h.slug)}?locale=${encodeURIComponent(h.locale)}"><strong>${escapeHtml(h.title)}</strong>${h.excerpt ? `<span class="meta">${escapeHtml(h.excerpt)}</span>` : ''}</a></li>`).join('\n')}\n</ul>`
      : `<p class="note">No article matches “${escapeHtml(q)}”. <a href="${paths.newTicket(tenant)}">Ask us</a>.</p>`
    : ''
}`,
  );

export const articlePage = (tenant: string, formToken: string, article: KbArticle) =>
  signedIn(
    200,
    tenant,
    formToken,
    article.title,
    `<article class="article" lang="${escapeHtml(article.locale)}">
<h1>${escapeHtml(article.title)}</h1>
${article.body
  .split(/\n\s*\n/)
  .map((p) => `<p>${escapeHtml(p.trim())}</p>`)
  .join('\n')}
</article>
<p><a href="${paths.kb(tenant)}">Back to the help articles</a> · <a href="${paths.newTicket(tenant)}">Still need help?</a></p>`,
  );

/** The sign-in email, as Liquid for messaging to render: the link arrives as a variable. */
export const signInEmail: Content = {
  subject: 'Your sign-in link',
  html: [
    '<div style="font:16px/1.5 sans-serif;color:#111;max-width:560px">',
    '<p>Here is your link to sign in to your support requests.</p>',
    '<p><a href="{{ signInUrl }}" style="display:inline-block;padding:12px 20px;background:#1d4ed8;color:#fff;border-radius:6px;text-decoration:none;font-weight:600">Sign in</a></p>',
    `<p style="font-size:13px;color:#555">The link works once, for ${signInLinkMinutes} minutes. If you did not ask for it, ignore this email.</p>`,
    '</div>',
  ].join('\n'),
  text: [
    'Here is your link to sign in to your support requests:',
    '{{ signInUrl }}',
    '',
    `The link works once, for ${signInLinkMinutes} minutes. If you did not ask for it, ignore this email.`,
  ].join('\n'),
};
