import { createHash } from 'node:crypto';
import { Reply } from './reply.ts';

/** Every value interpolated into a page goes through this: text and attribute values alike. */
export const escapeHtml = (value: string | number) =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** What a person reads when a link from a message arrives mangled (truncated, changed): every page route says the same. */
export const brokenLink = {
  status: 400,
  title: 'This link does not work',
  message: 'The link looks incomplete or changed. Please open it again from the email, or copy the whole address.',
} as const;

/**
 * Pages served to people (survey, preferences): mobile-friendly, no scripts at
 * all, the one inline stylesheet allowed by its hash, forms post only back to
 * the page, nothing cached or leaked through the referrer.
 */
export const pageRenderer = (style: string) => {
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
  return (status: number, title: string, body: string) =>
    new Reply(
      status,
      `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`,
      headers,
    );
};
