import { page } from '../../shared/domain/fields.ts';
import { publicRoute } from '../../shared/http/access.ts';
import type { Role } from '../../shared/http/route.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import {
  createQuoteBody,
  listQuotesQuery,
  newVersionBody,
  quoteAnswerBody,
  quoteIdParams,
  quotePageParams,
  quoteResponse,
  quoteVersionResponse,
  updateQuoteStatusBody,
  versionParams,
  versionsQuery,
} from './schemas.ts';

/** Sales and admins write quotes; analysts and support read them. */
const writers: readonly Role[] = ['admin', 'sales'];
const readers: readonly Role[] = [...writers, 'analyst', 'support'];

const pricingRules =
  'the deal, the price book or a product does not exist (or is inactive), a line has no price in the currency, a unit price in another currency, or a discount larger than its line';

export const quoteRoutes = defineRoutes('quotes', {
  createQuote: {
    method: 'POST',
    path: '/quotes',
    summary: 'Create a quote on a deal (version 1, draft): lines priced from the price book, tax per product, totals by the server',
    roles: writers,
    body: createQuoteBody,
    response: quoteResponse,
    status: 201,
    location: '/quotes/{id}',
    unprocessable: pricingRules,
  },
  listQuotes: {
    method: 'GET',
    path: '/quotes',
    summary: "A deal's quotes (dealId), oldest first",
    roles: readers,
    query: listQuotesQuery,
    response: page(quoteResponse),
  },
  getQuote: {
    method: 'GET',
    path: '/quotes/{id}',
    summary: 'Get a quote: its current version, status and totals',
    roles: readers,
    params: quoteIdParams,
    response: quoteResponse,
  },
  replaceQuote: {
    method: 'PUT',
    path: '/quotes/{id}',
    summary: 'Make version n+1 of a draft or sent quote (back to draft); earlier versions stay as they were (If-Match)',
    roles: writers,
    params: quoteIdParams,
    body: newVersionBody,
    response: quoteResponse,
    conflict: 'the quote is accepted, declined or expired',
    unprocessable: pricingRules,
  },
  updateQuoteStatus: {
    method: 'PATCH',
    path: '/quotes/{id}',
    summary: 'Record a status: draft → sent → accepted or declined; draft or sent → expired (If-Match)',
    roles: writers,
    params: quoteIdParams,
    body: updateQuoteStatusBody,
    response: quoteResponse,
    conflict: 'the quote cannot move from its status to this one (accepted, declined and expired are final)',
  },
  sendQuote: {
    method: 'POST',
    path: '/quotes/{id}/send',
    summary:
      "Email the deal's primary contact a signed link to the quote's page (expires with validUntil, or in 30 days); a draft becomes sent",
    roles: writers,
    params: quoteIdParams,
    response: quoteResponse,
    status: 200,
    conflict: 'the quote is accepted, declined or expired',
    unprocessable:
      'the deal has no contact, the quote is past its validUntil, or the email was not sent (no consent, suppressed, no address…)',
  },
  showQuote: {
    method: 'GET',
    path: '/q/{token}',
    summary: 'The quote page a signed email link opens (HTML, no login): lines, totals, accept or decline',
    roles: publicRoute,
    params: quotePageParams,
    produces: 'text/html',
  },
  answerQuote: {
    method: 'POST',
    path: '/q/{token}',
    summary: "Record the customer's one decision on a quote (HTML form post or JSON; answers with a page)",
    roles: publicRoute,
    params: quotePageParams,
    body: quoteAnswerBody,
    accepts: 'form',
    produces: 'text/html',
    status: 200,
  },
  listQuoteVersions: {
    method: 'GET',
    path: '/quotes/{id}/versions',
    summary: "A quote's versions, oldest first",
    roles: readers,
    params: quoteIdParams,
    query: versionsQuery,
    response: page(quoteVersionResponse),
  },
  getQuoteVersion: {
    method: 'GET',
    path: '/quotes/{id}/versions/{number}',
    summary: 'One version of a quote, as it was made',
    roles: readers,
    params: versionParams,
    response: quoteVersionResponse,
  },
});
