import { openApiDocument } from '../functions/platform/openapi.ts';
import { routes } from '../functions/routes.ts';
import { type ContractReport, checkContract, type Exchange } from '../test/support/openapi-contract.ts';
import { type Section, table } from './report.ts';

/** Records every answer this process's fetch receives until stop(): the bench's API walk, as a client saw it. */
export const recordExchanges = () => {
  const exchanges: Exchange[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const res = await original(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const text = await res.clone().text();
    let body: unknown = text || undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // pages stay text
    }
    exchanges.push({
      method: init?.method ?? 'GET',
      url: url.pathname + url.search,
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      headers: [...res.headers.keys()],
      body,
    });
    return res;
  };
  return {
    stop: (): ContractReport => {
      globalThis.fetch = original;
      return checkContract(openApiDocument(routes), exchanges);
    },
  };
};

export const contractSection = (r: ContractReport): Section => ({
  title: 'Contract: answers against the OpenAPI document',
  body: `${table(['operations in the document', 'operations exercised', 'responses validated', 'mismatches', 'undeclared statuses'], [[r.operations, r.exercised, r.validated, r.mismatches.length, r.undeclared.length]])}
${[...r.mismatches, ...r.undeclared.map((u) => `${u}: status not declared`)].map((m) => `\n- ${m}`).join('')}
- Every answer of the DynamoDB-per-route walk above, checked for a declared status, media type and body schema (test/support/openapi-contract.ts). The e2e suite runs the same check on every answer it receives (test/e2e/api-client.ts). Targets: 0 and 0.`,
});
