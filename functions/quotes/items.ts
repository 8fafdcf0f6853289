import { tenantKey } from '../../shared/db/tenant.ts';
import type { QuoteVersion, StoredQuote } from './schemas.ts';

/** Entity names this context stores (the `entity` attribute). */
export const quoteEntities = { quote: 'QUOTE', version: 'QUOTE_VERSION' } as const;

/** Version sort keys sort by number: V#0001, V#0002… */
const versionSk = (n: number) => `V#${String(n).padStart(4, '0')}`;

export const quoteKeys = {
  /** A quote (its current version's content): GetItem by id. */
  quote: (tenantId: string, id: string) => ({ PK: `${tenantKey(tenantId)}#Q#${id}`, SK: 'Q' }),
  /** GSI1: a deal's quotes, oldest first. */
  dealQuotes: (tenantId: string, dealId: string, id: string) => ({ GSI1PK: `${tenantKey(tenantId)}#Q#DEAL#${dealId}`, GSI1SK: id }),
  dealQuotesPartition: (tenantId: string, dealId: string) => `${tenantKey(tenantId)}#Q#DEAL#${dealId}`,
  /** One immutable version, in the quote's partition: GetItem by number; the versions are one Query. */
  version: (tenantId: string, quoteId: string, n: number) => ({ PK: `${tenantKey(tenantId)}#Q#${quoteId}`, SK: versionSk(n) }),
  versionPrefix: 'V#',
  quotePartition: (tenantId: string, quoteId: string) => `${tenantKey(tenantId)}#Q#${quoteId}`,
} as const;

export const quoteItem = (tenantId: string, q: StoredQuote) => ({
  ...quoteKeys.quote(tenantId, q.id),
  ...quoteKeys.dealQuotes(tenantId, q.dealId, q.id),
  entity: quoteEntities.quote,
  ...q,
});

export const versionItem = (tenantId: string, v: QuoteVersion) => ({
  ...quoteKeys.version(tenantId, v.quoteId, v.number),
  entity: quoteEntities.version,
  ...v,
});
